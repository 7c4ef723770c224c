// glibc's malloc tuning (mallopt), which the Glibc module does not import.
#ifndef CIMSWEEP_CMALLOC_SHIM_H
#define CIMSWEEP_CMALLOC_SHIM_H
#include <malloc.h>
#endif
