/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "listen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cleanup.h"
#include "util.h"

static const struct {
        const char *word;
        ListenTls tls;
} tls_prefixes[] = {
        { "notls", LISTEN_NOTLS },
        { "btls", LISTEN_BTLS },
        { "mtls", LISTEN_MTLS },
};

/* memcached skips a TLS word and the one character after it (meant to be
 * ':'), unchecked. A word that ends the element would make it read past
 * the end. */
static int skip_tls(const char *s, size_t *i, ListenTls *tls) {
        for (size_t k = 0; k < ELEMENTSOF(tls_prefixes); k++) {
                size_t n = strlen(tls_prefixes[k].word);

                if (strncmp(s + *i, tls_prefixes[k].word, n) != 0)
                        continue;
                if (s[*i + n] == '\0')
                        return -EINVAL;
                *i += n + 1;
                *tls = tls_prefixes[k].tls;
                return 0;
        }
        return 0;
}

/* Moves *I past the closing character at END and the one after it (an
 * assumed ':'); -EINVAL when nothing follows END. */
static int skip_closed(const char *s, const char *end, size_t *i) {
        if (end[1] == '\0')
                return -EINVAL;
        *i = (size_t) (end - s) + 2;
        return 0;
}

/* "proto" then, when "[NAME]" follows, that and one character; "proto"
 * without "[" is only skipped. */
static int skip_proto(const char *s, size_t *i) {
        const char *end;

        if (strncmp(s + *i, "proto", 5) != 0)
                return 0;
        *i += 5;
        if (s[*i] != '[')
                return 0;
        end = strchr(s + *i, ']');
        if (!end)
                return -EINVAL;
        return skip_closed(s, end, i);
}

/* "tag" then "[NAME]" or "_NAME_" (memcached looks for a ']' first, even
 * after a '_') and one character; NAME has 1 to 8 characters. */
static int skip_tag(const char *s, size_t *i) {
        const char *p, *end;
        size_t len;

        if (strncmp(s + *i, "tag", 3) != 0)
                return 0;
        *i += 3;
        p = s + *i;
        if (*p != '[' && *p != '_')
                return 0;
        end = strchr(p, ']');
        if (!end)
                end = strchr(p + 1, '_');
        if (!end)
                return -EINVAL;
        len = (size_t) (end - p - 1);
        if (len < 1 || len > 8)
                return -EINVAL;
        return skip_closed(s, end, i);
}

/* Digits only, 0 to 65535. */
static bool valid_port(const char *p, size_t len) {
        char buf[8];
        long v;

        if (len == 0 || len > 5 || strspn(p, "0123456789") < len)
                return false;
        memcpy(buf, p, len);
        buf[len] = '\0';
        return safe_atol(buf, 0, 65535, &v) == 0;
}

/* The host part from S + I on: "[V6]" and an optional ":PORT" (what lies
 * between ']' and ':' memcached ignores), HOST:PORT, or a bare V6. */
static int parse_host(const char *s, size_t i, ListenElement *el) {
        const char *colon;

        if (s[i] == '[') {
                const char *end = strchr(s + i, ']');
                if (!end)
                        return -EINVAL;
                el->bracketed = true;
                el->host_start = i + 1;
                el->host_len = (size_t) (end - s) - el->host_start;
                i = (size_t) (end - s) + 1;
        }
        colon = strchr(s + i, ':');
        if (colon && (el->bracketed || !strchr(colon + 1, ':'))) {
                el->port_start = (size_t) (colon - s) + 1;
                el->port_len = strlen(colon + 1);
                if (!valid_port(colon + 1, el->port_len))
                        return -EINVAL;
                if (!el->bracketed) {
                        el->host_start = i;
                        el->host_len = (size_t) (colon - s) - i;
                }
        } else if (!el->bracketed) {
                el->host_start = i;
                el->host_len = strlen(s + i);
        }
        return el->host_len > 0 ? 0 : -EINVAL;
}

int listen_element_parse(const char *element, ListenElement *ret) {
        ListenElement el = {};
        size_t i = 0;
        int r;

        if (!element || element[strcspn(element, LISTEN_SEPARATORS)] != '\0')
                return -EINVAL;
        r = skip_tls(element, &i, &el.tls);
        if (r >= 0)
                r = skip_proto(element, &i);
        if (r >= 0)
                r = skip_tag(element, &i);
        if (r >= 0)
                r = parse_host(element, i, &el);
        if (r < 0)
                return r;
        *ret = el;
        return 0;
}

int listen_element_host(const char *element, char **ret_host) {
        ListenElement el;
        char *host;
        int r;

        r = listen_element_parse(element, &el);
        if (r < 0)
                return r;
        host = strndup(element + el.host_start, el.host_len);
        if (!host)
                return -ENOMEM;
        *ret_host = host;
        return 0;
}

void listen_list_done(ListenList *l) {
        for (size_t i = 0; i < l->n; i++)
                free(l->elements[i]);
        free(l->elements);
        *l = (ListenList) {};
}

int listen_split(const char *value, ListenList *ret) {
        ListenList l = {};
        const char *p = value;

        for (;;) {
                p += strspn(p, LISTEN_SEPARATORS);
                if (*p == '\0')
                        break;
                size_t len = strcspn(p, LISTEN_SEPARATORS);
                char *el = strndup(p, len);
                if (!el || !GREEDY_REALLOC(l.elements, l.n_allocated, l.n + 1)) {
                        free(el);
                        listen_list_done(&l);
                        return -ENOMEM;
                }
                l.elements[l.n++] = el;
                p += len;
        }
        *ret = l;
        return 0;
}

int listen_taken(const char *const *values, size_t n, bool *ret_taken) {
        _cleanup_free_ bool *taken = calloc(n ?: 1, sizeof *taken);
        _cleanup_free_ char *list = NULL;
        size_t len = 0;

        if (!taken)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                size_t k = strlen(values[i]);
                bool first = !list;
                char *p;

                if (list && strstr(list, values[i]))
                        continue;
                p = realloc(list, len + k + 2);
                if (!p)
                        return -ENOMEM;
                list = p;
                len += (size_t) sprintf(list + len, "%s%s", first ? "" : ",", values[i]);
                taken[i] = true;
        }
        if (n > 0)
                memcpy(ret_taken, taken, n * sizeof *taken);
        return 0;
}
