/* supervise/status as a client reads it: any bytes at all. */
#include <stddef.h>
#include <stdint.h>
#include <tend/status.h>

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  tend_status st;
  char buf[TEND_STATUS_SIZE];
  if (tend_status_unpack(&st, (char const *)data, size) == 1)
    tend_status_pack(buf, &st);
  return 0;
}
