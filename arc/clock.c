/*
 * clock.c -- wall-clock time in milliseconds (UTC), for protocol times,
 * stored times and the audit trail. Timers use libevent's monotonic clock.
 */
#include <time.h>

#include "arc.h"

int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}
