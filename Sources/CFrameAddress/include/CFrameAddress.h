// The caller's frame address, for stack-depth guards (ThreadStack in StrataSQL).
#include <stdint.h>

/// The address of the calling function's frame on the thread's real stack (also under AddressSanitizer, whose
/// "fake stack" moves Swift locals elsewhere).
uintptr_t strata_frame_address(void);
