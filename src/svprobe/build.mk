PROGS += svprobe
svprobe_SRCS = src/svprobe/svprobe.c src/svprobe/address.c \
               src/svprobe/http_response.c
# Static like the other programs, and without getaddrinfo: a static glibc
# resolves a name only with the NSS modules built into it (files, dns), and
# can load the others that nsswitch.conf may list (myhostname, resolve,
# mdns, ldap...) only from the very glibc version it was linked with, so it
# would resolve differently from the rest of the system, or break after a
# libc upgrade. A dynamic svprobe would resolve right but pay the dynamic
# loader on every probe, which is most of what a probe costs beyond exec
# (bench/svprobe.sh: floor-static, floor-dynamic). So a numeric address is
# read in-process, and a name is handed to the system's own resolver client,
# `getent ahosts NAME`, in a child process under the probe's deadline
# (address.c): only probes by name pay for the resolver.
