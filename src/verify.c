/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The judging of a socket list of verify.h. */
#include "verify.h"

#include <netinet/in.h>

#include "addr.h"

void verify_judge(const VerifySocket *s, size_t n, size_t *ret_udp, size_t *ret_bad_tcp) {
        size_t udp = 0, bad = 0;

        for (size_t i = 0; i < n; i++) {
                if (s[i].protocol == IPPROTO_UDP)
                        udp++;
                else if (!addr_class_allowed(addr_classify_raw(s[i].family, &s[i].addr)))
                        bad++;
        }
        *ret_udp = udp;
        *ret_bad_tcp = bad;
}
