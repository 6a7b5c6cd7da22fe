/* The clock of every deadline: monotonic, so that setting the date moves
   no timer. */
#include <time.h>
#include <tend/loop.h>

int64_t tend_clock_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
