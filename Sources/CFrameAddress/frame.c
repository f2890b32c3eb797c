#include "CFrameAddress.h"

__attribute__((noinline)) uintptr_t strata_frame_address(void) {
    return (uintptr_t)__builtin_frame_address(0);
}
