/* supervise/status to and from bytes; the layout is in doc/status.md. */
#include <string.h>
#include <skalibs/uint32.h>
#include <tend/status.h>

void tend_status_pack(char *out, tend_status const *st) {
  memset(out, 0, TEND_STATUS_SIZE);
  tend_tai64n_pack(out, &st->when);
  uint32_pack(out + 12, st->pid); /* little-endian, as daemontools */
  out[16] = (char)st->paused;
  out[17] = (char)st->want;
  out[18] = (char)st->termsent;
  out[19] = (char)st->state;
  out[20] = TEND_STATUS_VERSION;
  out[21] = (char)st->flags;
  uint32_pack_big(out + 24, st->starts);
  uint32_pack_big(out + 28, st->lastwait);
  tend_tai64n_pack(out + 32, &st->started);
  tend_tai64n_pack(out + 44, &st->ready);
  tend_tai64n_pack(out + 56, &st->restart);
  uint32_pack_big(out + 68, st->deaths);
  uint32_pack_big(out + 72, st->delay_ms);
  uint32_pack_big(out + 76, st->svpid);
}

int tend_status_unpack(tend_status *st, char const *in, size_t len) {
  memset(st, 0, sizeof *st);
  st->lastwait = TEND_WSTATUS_NONE;
  if (len < TEND_STATUS_DAEMONTOOLS) return 0;
  tend_tai64n_unpack(in, &st->when);
  uint32_unpack(in + 12, &st->pid);
  st->paused = (unsigned char)in[16];
  st->want = (unsigned char)in[17];
  if (len >= TEND_STATUS_COMPAT) {
    st->termsent = (unsigned char)in[18];
    st->state = (unsigned char)in[19];
  } else
    st->state = st->pid ? TEND_STATE_RUN : TEND_STATE_DOWN;
  if (len < TEND_STATUS_SIZE) return 1;
  st->version_read = (unsigned char)in[20];
  /* another version may lay its fields out otherwise: read none of them */
  if (st->version_read != TEND_STATUS_VERSION) return 1;
  st->version = TEND_STATUS_VERSION;
  st->flags = (unsigned char)in[21];
  uint32_unpack_big(in + 24, &st->starts);
  uint32_unpack_big(in + 28, &st->lastwait);
  tend_tai64n_unpack(in + 32, &st->started);
  tend_tai64n_unpack(in + 44, &st->ready);
  tend_tai64n_unpack(in + 56, &st->restart);
  uint32_unpack_big(in + 68, &st->deaths);
  uint32_unpack_big(in + 72, &st->delay_ms);
  uint32_unpack_big(in + 76, &st->svpid);
  return 1;
}
