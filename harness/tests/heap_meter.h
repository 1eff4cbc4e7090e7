/* Heap meter for the memory tests: the test binary is linked with
 * -Wl,--wrap=malloc,calloc,realloc,free,strdup so every allocation liblhv1
 * makes (and cJSON's, through cJSON_InitHooks) passes through here. It
 * tracks live and peak bytes and can fail the Nth allocation. */
#ifndef LHV1_TESTS_HEAP_METER_H
#define LHV1_TESTS_HEAP_METER_H

#include <stddef.h>
#include <stdint.h>

/* Routes cJSON's allocations through the meter. Call before any cJSON use. */
void heap_meter_install(void);
/* Peak := live; returns live. */
size_t heap_meter_reset_peak(void);
size_t heap_meter_peak(void);
size_t heap_meter_live(void);
uint64_t heap_meter_count(void); /* allocations so far */
/* The allocation with this sequence number (heap_meter_count() at the time
 * of the call) fails; UINT64_MAX disables. */
void heap_meter_fail_at(uint64_t n);

#endif
