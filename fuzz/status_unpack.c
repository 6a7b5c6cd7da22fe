/* supervise/status as a client reads it: any bytes at all, unpacked,
   checked (tend_status_check) at a time taken from bytes 80-91 when there
   are that many, and packed again. */
#include <stddef.h>
#include <stdint.h>
#include <tend/status.h>

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size) {
  tend_status st;
  char buf[TEND_STATUS_SIZE];
  if (tend_status_unpack(&st, (char const *)data, size) != 1) return 0;
  tend_stamp now = {TEND_TAI64_UNIX + 1700000000, 0};
  if (size >= TEND_STATUS_SIZE + TEND_TAI64N_LEN)
    tend_tai64n_unpack((char const *)data + TEND_STATUS_SIZE, &now);
  if (tend_status_check(&st, &now) && st.version != TEND_STATUS_VERSION)
    __builtin_trap(); /* only an extension that was read can be bad */
  tend_status_pack(buf, &st);
  return 0;
}
