/* Judging an HTTP/1.x response as it streams in (http_response.h). Lines
   end in LF, with or without CR. Interim responses (1xx but 101) are
   skipped. Only the first HTTP_LINE_MAX bytes of a line are kept: the
   only headers read are Content-Length and Transfer-Encoding. */
#include <string.h>
#include "http_response.h"

enum phase {
  P_STATUS,      /* the status line */
  P_INTERIM,     /* the headers of an interim (1xx) response */
  P_HEADERS,     /* the headers of the final response */
  P_BODY_CLOSE,  /* a body that ends when the connection does */
  P_BODY_LENGTH, /* a body of Content-Length bytes */
  P_CHUNK_SIZE,  /* the line before a chunk */
  P_CHUNK_DATA,  /* the bytes of a chunk */
  P_CHUNK_END,   /* the empty line after a chunk */
  P_DONE
};

static int is_line_phase(int phase) {
  return phase == P_STATUS || phase == P_INTERIM || phase == P_HEADERS ||
         phase == P_CHUNK_SIZE || phase == P_CHUNK_END;
}

void http_response_init(http_response *h, int want, char const *text,
                        size_t len) {
  /* field by field, not memset: the 8 KB table is written only for a text */
  h->want = want;
  h->text = 0;
  h->textlen = h->matched = h->linelen = h->headbytes = 0;
  h->status = h->truncated = h->chunked = h->length_known = h->encoded = 0;
  h->left = 0;
  h->why[0] = 0;
  h->phase = P_STATUS;
  h->verdict = HTTP_MORE;
  if (!text || !len || len > HTTP_TEXT_MAX) return;
  h->text = text;
  h->textlen = len;
  /* next[i]: the longest proper prefix of text[0..i] that is also a
     suffix of it, so a mismatch never rereads a byte of the body */
  h->next[0] = 0;
  for (size_t i = 1, k = 0; i < len; i++) {
    while (k && text[i] != text[k])
      k = h->next[k - 1];
    if (text[i] == text[k]) k++;
    h->next[i] = k;
  }
}

/* Appends S to why, as printable ASCII, at most MAX bytes of it. */
static void why_add(http_response *h, char const *s, size_t len, size_t max) {
  size_t at = strlen(h->why);
  size_t room = sizeof h->why - 1 - at;
  if (len > max) len = max;
  if (len > room) len = room;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    h->why[at++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
  }
  h->why[at] = 0;
}

static void why_str(http_response *h, char const *s) {
  why_add(h, s, strlen(s), sizeof h->why);
}

static int verdict(http_response *h, int v) {
  h->verdict = v;
  h->phase = P_DONE;
  return v;
}

static int unhealthy(http_response *h, char const *why) {
  h->why[0] = 0;
  why_str(h, why);
  return verdict(h, HTTP_UNHEALTHY);
}

static void why_text(http_response *h) {
  why_str(h, "\"");
  why_add(h, h->text, h->textlen, 64);
  why_str(h, h->textlen > 64 ? "...\"" : "\"");
}

/* The body is over and the text was not in it. */
static int body_end(http_response *h) {
  h->why[0] = 0;
  why_str(h, "body does not contain ");
  why_text(h);
  return verdict(h, HTTP_UNHEALTHY);
}

/* Runs LEN body bytes past the text; 1 if it is found. */
static int scan(http_response *h, char const *buf, size_t len) {
  char const *text = h->text;
  size_t k = h->matched;
  for (size_t i = 0; i < len; i++) {
    while (k && buf[i] != text[k])
      k = h->next[k - 1];
    if (buf[i] == text[k] && ++k == h->textlen) return 1;
  }
  h->matched = k;
  return 0;
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

static int status_line(http_response *h) {
  char const *s = h->line;
  size_t len = h->linelen;
  /* HTTP/d.d SP ddd [SP reason] */
  if (len < 12 || memcmp(s, "HTTP/", 5) || !is_digit(s[5]) || s[6] != '.' ||
      !is_digit(s[7]) || s[8] != ' ' || !is_digit(s[9]) || !is_digit(s[10]) ||
      !is_digit(s[11]) || (len > 12 && s[12] != ' '))
    return unhealthy(h, "bad response: not an HTTP/1 status line");
  int status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
  if (status < 100) return unhealthy(h, "bad response: status below 100");
  if (status < 200 && status != 101) {
    h->phase = P_INTERIM;
    return HTTP_MORE;
  }
  h->status = status;
  int good = h->want < 100 ? status / 100 == h->want : status == h->want;
  if (!good) {
    h->why[0] = 0;
    why_str(h, "status ");
    why_add(h, s + 9, len - 9, 67);
    why_str(h, ", want ");
    char want[4] = {0, 'x', 'x', 0};
    if (h->want < 100)
      want[0] = (char)('0' + h->want);
    else
      for (int i = 2, w = h->want; i >= 0; i--, w /= 10)
        want[i] = (char)('0' + w % 10);
    why_str(h, want);
    return verdict(h, HTTP_UNHEALTHY);
  }
  if (!h->text) return verdict(h, HTTP_HEALTHY);
  h->phase = P_HEADERS;
  return HTTP_MORE;
}

static int name_is(char const *line, size_t namelen, char const *name) {
  if (namelen != strlen(name)) return 0;
  for (size_t i = 0; i < namelen; i++) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != name[i]) return 0;
  }
  return 1;
}

static int is_space(char c) {
  return c == ' ' || c == '\t';
}

static int header_line(http_response *h) {
  char const *s = h->line;
  size_t len = h->linelen;
  if (is_space(s[0])) return HTTP_MORE; /* an obsolete folded line */
  char const *colon = memchr(s, ':', len);
  if (!colon) return unhealthy(h, "bad response: a header line without ':'");
  size_t namelen = (size_t)(colon - s);
  char const *v = colon + 1, *end = s + len;
  while (v < end && is_space(*v))
    v++;
  while (end > v && is_space(end[-1]))
    end--;
  if (name_is(s, namelen, "content-length")) {
    uint64_t n = 0;
    if (h->truncated || v == end || end - v > 18)
      return unhealthy(h, "bad response: bad Content-Length");
    for (; v < end; v++) {
      if (!is_digit(*v))
        return unhealthy(h, "bad response: bad Content-Length");
      n = n * 10 + (uint64_t)(*v - '0');
    }
    if (h->length_known && h->left != n)
      return unhealthy(h, "bad response: two different Content-Length");
    h->length_known = 1;
    h->left = n;
  } else if (name_is(s, namelen, "transfer-encoding")) {
    if (h->truncated)
      return unhealthy(h, "bad response: Transfer-Encoding too long");
    /* the last coding decides: chunked, or the body ends with the
       connection */
    char const *last = end;
    while (last > v && last[-1] != ',')
      last--;
    while (last < end && is_space(*last))
      last++;
    h->encoded = 1;
    h->chunked = name_is(last, (size_t)(end - last), "chunked");
  }
  return HTTP_MORE;
}

/* The empty line after the headers of the final response. */
static int headers_end(http_response *h) {
  if (h->status == 204 || h->status == 304 || h->status < 200)
    return body_end(h);
  if (h->encoded) {
    h->phase = h->chunked ? P_CHUNK_SIZE : P_BODY_CLOSE;
    return HTTP_MORE;
  }
  if (h->length_known) {
    if (!h->left) return body_end(h);
    h->phase = P_BODY_LENGTH;
    return HTTP_MORE;
  }
  h->phase = P_BODY_CLOSE;
  return HTTP_MORE;
}

static int chunk_size_line(http_response *h) {
  char const *s = h->line, *end = s + h->linelen;
  uint64_t n = 0;
  if (s == end) return unhealthy(h, "bad response: bad chunk size");
  for (; s < end; s++) {
    int d;
    if (is_digit(*s))
      d = *s - '0';
    else if (*s >= 'a' && *s <= 'f')
      d = *s - 'a' + 10;
    else if (*s >= 'A' && *s <= 'F')
      d = *s - 'A' + 10;
    else
      break;
    if (n >> 60) return unhealthy(h, "bad response: chunk size too big");
    n = n << 4 | (uint64_t)d;
  }
  if (s == h->line || (s < end && !is_space(*s) && *s != ';'))
    return unhealthy(h, "bad response: bad chunk size");
  if (!n) return body_end(h); /* the last chunk: trailers do not matter */
  h->left = n;
  h->phase = P_CHUNK_DATA;
  return HTTP_MORE;
}

static int line_done(http_response *h) {
  if (h->linelen && h->line[h->linelen - 1] == '\r' && !h->truncated)
    h->linelen--;
  switch (h->phase) {
  case P_STATUS: return status_line(h);
  case P_INTERIM:
    if (!h->linelen) h->phase = P_STATUS;
    return HTTP_MORE;
  case P_HEADERS: return h->linelen ? header_line(h) : headers_end(h);
  case P_CHUNK_SIZE: return chunk_size_line(h);
  default: /* P_CHUNK_END */
    if (h->linelen) return unhealthy(h, "bad response: bad chunk end");
    h->phase = P_CHUNK_SIZE;
    return HTTP_MORE;
  }
}

int http_response_feed(http_response *h, char const *buf, size_t len) {
  while (len && h->phase != P_DONE) {
    if (is_line_phase(h->phase)) {
      char const *nl = memchr(buf, '\n', len);
      size_t take = nl ? (size_t)(nl - buf) : len;
      size_t keep = sizeof h->line - h->linelen;
      if (take <= keep)
        keep = take;
      else
        h->truncated = 1;
      memcpy(h->line + h->linelen, buf, keep);
      h->linelen += keep;
      if (h->phase <= P_HEADERS) {
        h->headbytes += take + !!nl;
        if (h->headbytes > HTTP_HEAD_MAX)
          return unhealthy(h, "bad response: headers longer than 64 KB");
      }
      buf += take + !!nl;
      len -= take + !!nl;
      if (!nl) break;
      int r = line_done(h);
      h->linelen = 0;
      h->truncated = 0;
      if (r != HTTP_MORE) return r;
      continue;
    }
    size_t n = len;
    if (h->phase != P_BODY_CLOSE && n > h->left) n = (size_t)h->left;
    if (scan(h, buf, n)) return verdict(h, HTTP_HEALTHY);
    buf += n;
    len -= n;
    if (h->phase == P_BODY_CLOSE) continue;
    h->left -= n;
    if (h->left) continue;
    if (h->phase == P_BODY_LENGTH) return body_end(h);
    h->phase = P_CHUNK_END;
  }
  return h->verdict;
}

int http_response_eof(http_response *h) {
  switch (h->phase) {
  case P_DONE: return h->verdict;
  case P_STATUS:
    if (!h->headbytes)
      return unhealthy(h, "connection closed before the response");
    if (h->linelen) { /* a status line without its newline */
      int r = line_done(h);
      if (r != HTTP_MORE) return r;
    }
    return unhealthy(h, "connection closed in the response headers");
  case P_INTERIM:
  case P_HEADERS:
    return unhealthy(h, "connection closed in the response headers");
  case P_BODY_CLOSE: return body_end(h);
  default:
    h->why[0] = 0;
    why_str(h, "connection closed in the body, before ");
    why_text(h);
    return verdict(h, HTTP_UNHEALTHY);
  }
}

char const *http_response_waiting(http_response const *h) {
  if (h->phase == P_STATUS && !h->headbytes) return "waiting for the response";
  if (h->phase <= P_HEADERS) return "reading the response headers";
  return "reading the body";
}
