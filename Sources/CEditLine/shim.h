// libedit (BSD editline) through its GNU readline-compatible interface: line editing and history for the shell.
#include <stdio.h>
#include <editline/readline.h>
