/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for policy.c: the hardening rule over hand-built option lists. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "policy.h"
#include "resolve.h"

#define ARG(l, v) { .letter = (l), .value = (char *) (v), .path = (char *) "/files/x/" #l, .line = __LINE__, .effective = true }
#define ARG_IGNORED(l, v) { .letter = (l), .value = (char *) (v), .path = (char *) "/files/x/" #l, .line = 42, .effective = false }

static PolicyResult eval_hosts(const Arg *args, size_t n, const char *listen, const HostTable *hosts) {
        PolicyResult r = {};

        ck_assert_int_eq(policy_evaluate(args, n, listen, hosts, &r), 0);
        ck_assert(r.n_edits == 0 || r.edits);
        ck_assert(r.n_findings == 0 || r.findings);
        return r;
}

static PolicyResult eval(const Arg *args, size_t n, const char *listen) {
        return eval_hosts(args, n, listen, NULL);
}

/* A table as the resolve stage would fill it: NAME -> ADDRESSES (a
 * NULL-terminated list; none: does not resolve). */
static void put(HostTable *t, const char *name, const char *const *addresses) {
        size_t n = 0;

        while (addresses && addresses[n])
                n++;
        ck_assert_int_eq(host_table_put(t, name, addresses, n, n ? NULL : "not in /img/etc/hosts"), 0);
}

static const Finding *find(const PolicyResult *r, const char *id) {
        for (size_t i = 0; i < r->n_findings; i++)
                if (strcmp(r->findings[i].id, id) == 0)
                        return &r->findings[i];
        return NULL;
}

static bool has_finding_above_info(const PolicyResult *r) {
        for (size_t i = 0; i < r->n_findings; i++)
                if (r->findings[i].severity > SEVERITY_INFO)
                        return true;
        return false;
}

/* A finding above INFO that comes with an edit: any but listen-unresolved. */
static bool has_edited_finding(const PolicyResult *r) {
        for (size_t i = 0; i < r->n_findings; i++)
                if (r->findings[i].severity > SEVERITY_INFO && strcmp(r->findings[i].id, "listen-unresolved") != 0)
                        return true;
        return false;
}

/* The edits that touch ARG, or append LETTER. */
static size_t count_edits_on(const PolicyResult *r, size_t arg) {
        size_t n = 0;

        for (size_t i = 0; i < r->n_edits; i++)
                if (r->edits[i].op != EDIT_APPEND && r->edits[i].arg == arg)
                        n++;
        return n;
}

static size_t count_appends(const PolicyResult *r, char letter) {
        size_t n = 0;

        for (size_t i = 0; i < r->n_edits; i++)
                if (r->edits[i].op == EDIT_APPEND && r->edits[i].letter == letter)
                        n++;
        return n;
}

static const Edit *edit_on(const PolicyResult *r, size_t arg) {
        for (size_t i = 0; i < r->n_edits; i++)
                if (r->edits[i].op != EDIT_APPEND && r->edits[i].arg == arg)
                        return &r->edits[i];
        return NULL;
}

static const Edit *append_of(const PolicyResult *r, char letter) {
        for (size_t i = 0; i < r->n_edits; i++)
                if (r->edits[i].op == EDIT_APPEND && r->edits[i].letter == letter)
                        return &r->edits[i];
        return NULL;
}

/* ARG of R is set, in place, to VALUE. */
static void expect_set(const PolicyResult *r, size_t arg, const char *value) {
        const Edit *e = edit_on(r, arg);

        ck_assert_msg(e, "no edit of option %zu", arg);
        ck_assert_int_eq(e->op, EDIT_SET);
        ck_assert_str_eq(e->value, value);
}

START_TEST(test_hardened_is_compliant) {
        Arg args[] = { ARG('m', "64"), ARG('l', "127.0.0.1"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);

        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert(!has_finding_above_info(&r));
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_missing) {
        Arg args[] = { ARG('m', "64"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Edit *e;
        const Finding *f;

        ck_assert_uint_eq(r.n_edits, 1);
        e = append_of(&r, 'l');
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e->value, "127.0.0.1");
        f = find(&r, "listen-missing");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_gt(f->severity, SEVERITY_INFO);
        ck_assert_ptr_nonnull(f->message);
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_wildcard_set_in_place) {
        Arg args[] = { ARG('p', "11211"), ARG('l', "0.0.0.0"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Finding *f;

        ck_assert_uint_eq(r.n_edits, 1);
        expect_set(&r, 1, "127.0.0.1");
        ck_assert_uint_eq(count_appends(&r, 'l'), 0);
        f = find(&r, "listen-wildcard");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->severity, SEVERITY_HIGH);
        ck_assert_uint_eq(f->line, args[1].line);
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_list_keeps_safe) {
        Arg args[] = { ARG('l', "10.0.0.5,0.0.0.0"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);

        ck_assert_uint_eq(r.n_edits, 1);
        expect_set(&r, 0, "10.0.0.5");
        ck_assert_ptr_nonnull(find(&r, "listen-wildcard"));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_public_and_hostname) {
        Arg pub[] = { ARG('l', "8.8.8.8"), ARG('U', "0") };
        Arg name[] = { ARG('l', "cache.example.com"), ARG('U', "0") };
        static const char *const public_addr[] = { "10.0.0.7", "8.8.8.8", NULL };
        _cleanup_(host_table_done) HostTable t = {};
        PolicyResult r;

        r = eval(pub, ELEMENTSOF(pub), NULL);
        expect_set(&r, 0, "127.0.0.1");
        ck_assert_ptr_nonnull(find(&r, "listen-public"));
        ck_assert_int_eq(find(&r, "listen-public")->severity, SEVERITY_HIGH);
        policy_result_done(&r);

        /* A name with any public address goes. */
        put(&t, "cache.example.com", public_addr);
        r = eval_hosts(name, ELEMENTSOF(name), NULL, &t);
        expect_set(&r, 0, "127.0.0.1");
        ck_assert_ptr_nonnull(find(&r, "listen-hostname-public"));
        ck_assert_int_eq(find(&r, "listen-hostname-public")->severity, SEVERITY_HIGH);
        ck_assert_ptr_nonnull(strstr(find(&r, "listen-hostname-public")->message, "8.8.8.8"));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_star) {
        /* memcached binds "*" like no address at all: every interface. */
        Arg args[] = { ARG('l', "*"), ARG('U', "0") };
        Arg port[] = { ARG('l', "127.0.0.1,*:11211"), ARG('U', "0") };
        PolicyResult r;

        r = eval(args, ELEMENTSOF(args), NULL);
        expect_set(&r, 0, "127.0.0.1");
        ck_assert_msg(find(&r, "listen-wildcard"), "-l '*' not reported as listen-wildcard");
        ck_assert_int_eq(find(&r, "listen-wildcard")->severity, SEVERITY_HIGH);
        policy_result_done(&r);

        r = eval(port, ELEMENTSOF(port), NULL);
        expect_set(&r, 0, "127.0.0.1");
        ck_assert_msg(find(&r, "listen-wildcard"), "-l '*:11211' not reported as listen-wildcard");
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_semicolon) {
        /* memcached splits -l on ';' as well as ','. */
        Arg ok[] = { ARG('l', "127.0.0.1;10.0.0.1"), ARG('U', "0") };
        Arg mixed[] = { ARG('l', "10.0.0.1;0.0.0.0"), ARG('U', "0") };
        PolicyResult r;
        const Edit *e;

        r = eval(ok, ELEMENTSOF(ok), NULL);
        ck_assert_msg(r.n_edits == 0, "-l '127.0.0.1;10.0.0.1': %zu edits", r.n_edits);
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);

        r = eval(mixed, ELEMENTSOF(mixed), NULL);
        e = edit_on(&r, 0);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_SET);
        ck_assert_msg(strcmp(e->value, "10.0.0.1") == 0, "-l '10.0.0.1;0.0.0.0' set to '%s'", e->value);
        ck_assert_ptr_nonnull(find(&r, "listen-wildcard"));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_empty_elements) {
        /* Every edit comes with a finding above INFO, so a list with an empty
         * element is either left alone or reported. */
        static const char *const values[] = { "127.0.0.1,", ",127.0.0.1", "127.0.0.1,,10.0.0.1", ",", "" };

        for (size_t i = 0; i < ELEMENTSOF(values); i++) {
                Arg args[] = { ARG('l', values[i]), ARG('U', "0") };
                PolicyResult r = eval(args, ELEMENTSOF(args), NULL);

                ck_assert_msg(policy_compliant(&r) == (r.n_edits == 0),
                              "-l '%s': %zu edits but compliant=%d", values[i], r.n_edits, policy_compliant(&r));
                policy_result_done(&r);
        }
}
END_TEST

START_TEST(test_listen_two_unsafe) {
        Arg args[] = { ARG('l', "0.0.0.0"), ARG('m', "64"), ARG('l', "8.8.8.8"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Edit *e;

        ck_assert_uint_eq(r.n_edits, 2);
        expect_set(&r, 0, "127.0.0.1");
        e = edit_on(&r, 2);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        ck_assert_uint_eq(count_edits_on(&r, 1), 0);
        ck_assert_uint_eq(count_appends(&r, 'l'), 0);
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_safe_and_unsafe) {
        Arg args[] = { ARG('l', "127.0.0.1"), ARG('l', "0.0.0.0"), ARG('U', "0") };
        Arg rev[] = { ARG('l', "0.0.0.0"), ARG('l', "192.168.1.10"), ARG('U', "0") };
        PolicyResult r;
        const Edit *e;

        r = eval(args, ELEMENTSOF(args), NULL);
        ck_assert_uint_eq(r.n_edits, 1);
        e = edit_on(&r, 1);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        ck_assert_uint_eq(count_edits_on(&r, 0), 0);
        ck_assert_uint_eq(count_appends(&r, 'l'), 0);
        policy_result_done(&r);

        r = eval(rev, ELEMENTSOF(rev), NULL);
        ck_assert_uint_eq(r.n_edits, 1);
        e = edit_on(&r, 0);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        ck_assert_uint_eq(count_edits_on(&r, 1), 0);
        ck_assert_uint_eq(count_appends(&r, 'l'), 0);
        policy_result_done(&r);
}
END_TEST

START_TEST(test_listen_requested) {
        Arg one[] = { ARG('l', "127.0.0.1"), ARG('U', "0") };
        Arg two[] = { ARG('l', "127.0.0.1"), ARG('U', "0"), ARG('l', "0.0.0.0") };
        Arg none[] = { ARG('U', "0") };
        Arg same[] = { ARG('l', "10.1.2.3"), ARG('U', "0") };
        PolicyResult r;
        const Edit *e;

        r = eval(one, ELEMENTSOF(one), "10.1.2.3");
        ck_assert_uint_eq(r.n_edits, 1);
        expect_set(&r, 0, "10.1.2.3");
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);

        r = eval(two, ELEMENTSOF(two), "10.1.2.3");
        ck_assert_uint_eq(r.n_edits, 2);
        expect_set(&r, 0, "10.1.2.3");
        e = edit_on(&r, 2);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        policy_result_done(&r);

        r = eval(none, ELEMENTSOF(none), "10.1.2.3");
        ck_assert_uint_eq(r.n_edits, 1);
        e = append_of(&r, 'l');
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e->value, "10.1.2.3");
        policy_result_done(&r);

        r = eval(same, ELEMENTSOF(same), "10.1.2.3");
        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

/* Every element of a -l is judged on its own; a safe one is kept byte for
 * byte, whatever its prefixes. */
START_TEST(test_listen_tls_prefixes) {
        Arg tls[] = { ARG('l', "10.0.0.5,btls:10.0.0.5:11212"), ARG('U', "0") };
        Arg notls[] = { ARG('l', "notls:0.0.0.0:11211,127.0.0.1"), ARG('U', "0") };
        Arg mixed[] = { ARG('l', "mtls:[fd00::5]:11213;proto[ascii]:tag[web]:8.8.8.8:1,tag_x_:127.0.0.1"), ARG('U', "0") };
        PolicyResult r;

        r = eval(tls, ELEMENTSOF(tls), NULL);
        ck_assert_msg(r.n_edits == 0, "-l %s: %zu edits", tls[0].value, r.n_edits);
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);

        r = eval(notls, ELEMENTSOF(notls), NULL);
        ck_assert_uint_eq(r.n_edits, 1);
        expect_set(&r, 0, "127.0.0.1");
        ck_assert_ptr_nonnull(find(&r, "listen-wildcard"));
        policy_result_done(&r);

        r = eval(mixed, ELEMENTSOF(mixed), NULL);
        ck_assert_uint_eq(r.n_edits, 1);
        expect_set(&r, 0, "mtls:[fd00::5]:11213,tag_x_:127.0.0.1");
        ck_assert_ptr_nonnull(find(&r, "listen-public"));
        policy_result_done(&r);
}
END_TEST

/* TripleO's memcached: loopback and its private address, plain and notls. */
START_TEST(test_listen_tripleo) {
        Arg args[] = { ARG('l', "127.0.0.1,192.168.122.100,notls:192.168.122.100:11211,notls:127.0.0.1:11211"),
                       ARG('U', "0"), ARG('Z', NULL) };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);

        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert_uint_eq(r.n_findings, 0);
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

/* memcached ignores a -l that is a substring of the list before it. */
START_TEST(test_listen_substring) {
        Arg ignored_bad[] = { ARG('l', "127.0.0.2"), ARG('l', "27.0.0.2"), ARG('U', "0") };
        Arg ignored_safe[] = { ARG('l', "110.0.0.1"), ARG('l', "10.0.0.1"), ARG('U', "0") };
        Arg wild[] = { ARG('l', "0.0.0.0:11211"), ARG('l', "0.0.0.0"), ARG('U', "0") };
        PolicyResult r;
        const Edit *e;

        /* A public address memcached ignores is no exposure. */
        r = eval(ignored_bad, ELEMENTSOF(ignored_bad), NULL);
        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert(policy_compliant(&r));
        ck_assert_ptr_null(find(&r, "listen-public"));
        ck_assert_ptr_nonnull(find(&r, "listen-ignored"));
        ck_assert_int_eq(find(&r, "listen-ignored")->severity, SEVERITY_INFO);
        policy_result_done(&r);

        /* A private address memcached ignores is no protection. */
        r = eval(ignored_safe, ELEMENTSOF(ignored_safe), NULL);
        expect_set(&r, 0, "127.0.0.1");
        ck_assert_uint_eq(count_edits_on(&r, 1), 0);
        ck_assert_ptr_nonnull(find(&r, "listen-public"));
        policy_result_done(&r);

        r = eval(wild, ELEMENTSOF(wild), NULL);
        expect_set(&r, 0, "127.0.0.1");
        e = edit_on(&r, 1);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        policy_result_done(&r);
}
END_TEST

/* The edit of the first -l would make the ignored second one count: it goes
 * too, and the result needs nothing more. */
START_TEST(test_listen_substring_stable) {
        Arg args[] = { ARG('l', "127.0.0.1,5.6.7.8"), ARG('l', "5.6.7.8"), ARG('U', "0") };
        Arg after[] = { ARG('l', "127.0.0.1"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Finding *f;
        const Edit *e;

        ck_assert_uint_eq(r.n_edits, 2);
        expect_set(&r, 0, "127.0.0.1");
        e = edit_on(&r, 1);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        f = find(&r, "listen-ignored");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->severity, SEVERITY_LOW);
        ck_assert_uint_eq(f->line, args[1].line);
        policy_result_done(&r);

        r = eval(after, ELEMENTSOF(after), NULL);
        ck_assert_uint_eq(r.n_edits, 0);
        policy_result_done(&r);
}
END_TEST

/* A safe listener is never dropped: 10.0.0.1, kept from the second -l,
 * would be part of "10.0.0.10" and skipped on its own, so it joins the first. */
START_TEST(test_listen_kept_not_swallowed) {
        Arg args[] = { ARG('l', "10.0.0.10"), ARG('l', "8.8.8.8,10.0.0.1"), ARG('U', "0") };
        Arg after[] = { ARG('l', "10.0.0.10,10.0.0.1"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Edit *e;

        ck_assert_uint_eq(r.n_edits, 2);
        expect_set(&r, 0, "10.0.0.10,10.0.0.1");
        e = edit_on(&r, 1);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        ck_assert_ptr_nonnull(find(&r, "listen-merged"));
        ck_assert_ptr_nonnull(find(&r, "listen-public"));
        policy_result_done(&r);

        r = eval(after, ELEMENTSOF(after), NULL);
        ck_assert_uint_eq(r.n_edits, 0);
        policy_result_done(&r);
}
END_TEST

/* RDO's memcached: -l 127.0.0.1,::1,controller, with controller private,
 * public, or not resolving. */
START_TEST(test_listen_rdo_controller) {
        static const char *const private_addr[] = { "192.168.24.3", "fd00:24::3", NULL };
        static const char *const public_addr[] = { "192.168.24.3", "203.0.113.5", NULL };
        static const char *const wildcard_addr[] = { "0.0.0.0", NULL };
        static const struct {
                const char *const *addresses;
                const char *id, *set;
                Severity severity;
                size_t n_addresses;
        } cases[] = {
                { private_addr, "listen-hostname", NULL, SEVERITY_INFO, 2 },
                { public_addr, "listen-hostname-public", "127.0.0.1,::1", SEVERITY_HIGH, 2 },
                { wildcard_addr, "listen-hostname-public", "127.0.0.1,::1", SEVERITY_HIGH, 1 },
                { NULL, "listen-unresolved", NULL, SEVERITY_HIGH, 0 },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Arg args[] = { ARG('l', "127.0.0.1,::1,controller"), ARG('U', "0") };
                _cleanup_(host_table_done) HostTable t = {};
                const Finding *f;
                PolicyResult r;
                size_t n = 0;

                put(&t, "controller", cases[i].addresses);
                r = eval_hosts(args, ELEMENTSOF(args), NULL, &t);
                f = find(&r, cases[i].id);
                ck_assert_msg(f, "case %zu: no %s", i, cases[i].id);
                ck_assert_int_eq(f->severity, cases[i].severity);
                ck_assert_str_eq(f->host, "controller");
                ck_assert_ptr_nonnull(f->addresses);
                while (f->addresses[n])
                        n++;
                ck_assert_uint_eq(n, cases[i].n_addresses);
                for (size_t k = 0; k < n; k++)
                        ck_assert_msg(strstr(f->message, cases[i].addresses[k]), "case %zu: '%s' lacks %s", i,
                                      f->message, cases[i].addresses[k]);
                if (cases[i].set)
                        expect_set(&r, 0, cases[i].set);
                else
                        ck_assert_uint_eq(r.n_edits, 0);
                ck_assert(policy_compliant(&r) == (cases[i].severity == SEVERITY_INFO));
                ck_assert((policy_unresolved(&r) != NULL) == (cases[i].addresses == NULL));
                policy_result_done(&r);
        }
}
END_TEST

/* Without a table every name is unresolved; localhost never needs one. */
START_TEST(test_listen_unresolved_without_table) {
        Arg name[] = { ARG('l', "0.0.0.0,controller"), ARG('U', "11211") };
        Arg local[] = { ARG('l', "localhost:11211"), ARG('U', "0") };
        PolicyResult r;

        r = eval(name, ELEMENTSOF(name), NULL);
        ck_assert_ptr_nonnull(policy_unresolved(&r));
        expect_set(&r, 0, "controller"); /* the wildcard goes all the same */
        expect_set(&r, 1, "0");
        ck_assert_ptr_nonnull(strstr(policy_unresolved(&r)->message, "--listen"));
        policy_result_done(&r);

        r = eval(local, ELEMENTSOF(local), NULL);
        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_udp_enabled) {
        Arg args[] = { ARG('l', "127.0.0.1"), ARG('U', "11211") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Finding *f;

        ck_assert_uint_eq(r.n_edits, 1);
        expect_set(&r, 1, "0");
        f = find(&r, "udp-enabled");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->severity, SEVERITY_HIGH);
        ck_assert_uint_eq(f->line, args[1].line);
        policy_result_done(&r);
}
END_TEST

/* memcached reads -U with atoi(): "00", "abc" and "" are off already, so they
 * are not "UDP is on", only not a plain 0; "11211x" is port 11211. */
START_TEST(test_udp_as_memcached_reads_it) {
        static const struct {
                const char *value, *id;
                Severity severity;
        } cases[] = {
                { "00", "udp-unclear", SEVERITY_LOW },
                { "abc", "udp-unclear", SEVERITY_LOW },
                { "-0", "udp-unclear", SEVERITY_LOW },
                { "11211x", "udp-enabled", SEVERITY_HIGH },
                { "99999999999999999999", "udp-enabled", SEVERITY_HIGH }, /* (int) LONG_MAX: -1 */
                { "-1", "udp-enabled", SEVERITY_HIGH },
                { "+5", "udp-enabled", SEVERITY_HIGH },
                { "4294967297", "udp-enabled", SEVERITY_HIGH },          /* (int): 1 */
                { "4294967296", "udp-unclear", SEVERITY_LOW },           /* (int): 0 */
                { "-99999999999999999999", "udp-unclear", SEVERITY_LOW }, /* (int) LONG_MIN: 0 */
                { "", "udp-unclear", SEVERITY_LOW },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                Arg args[] = { ARG('l', "127.0.0.1"), ARG('U', cases[i].value) };
                PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
                const Finding *f = find(&r, cases[i].id);
                const Edit *e = edit_on(&r, 1);

                ck_assert_msg(f, "-U %s: no %s finding", cases[i].value, cases[i].id);
                ck_assert_int_eq(f->severity, cases[i].severity);
                ck_assert_msg(e && e->op == EDIT_SET && strcmp(e->value, "0") == 0, "-U %s: not set to 0",
                              cases[i].value);
                ck_assert(!policy_compliant(&r));
                policy_result_done(&r);
        }
}
END_TEST

START_TEST(test_udp_implicit) {
        Arg args[] = { ARG('l', "127.0.0.1"), ARG('m', "64") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Edit *e;
        const Finding *f;

        ck_assert_uint_eq(r.n_edits, 1);
        e = append_of(&r, 'U');
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e->value, "0");
        f = find(&r, "udp-implicit");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_gt(f->severity, SEVERITY_INFO);
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_udp_zero) {
        Arg args[] = { ARG('U', "0"), ARG('l', "127.0.0.1") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);

        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert_ptr_null(find(&r, "udp-enabled"));
        ck_assert_ptr_null(find(&r, "udp-implicit"));
        ck_assert_ptr_null(find(&r, "udp-duplicate"));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_udp_duplicate) {
        Arg args[] = { ARG('U', "11211"), ARG('l', "127.0.0.1"), ARG('U', "0") };
        PolicyResult r = eval(args, ELEMENTSOF(args), NULL);
        const Edit *e;

        ck_assert_uint_eq(r.n_edits, 2);
        expect_set(&r, 0, "0");
        e = edit_on(&r, 2);
        ck_assert_ptr_nonnull(e);
        ck_assert_int_eq(e->op, EDIT_DELETE);
        ck_assert_uint_eq(count_appends(&r, 'U'), 0);
        ck_assert_ptr_nonnull(find(&r, "udp-duplicate"));
        ck_assert_int_gt(find(&r, "udp-duplicate")->severity, SEVERITY_INFO);
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_unix_socket) {
        Arg bare[] = { ARG('s', "/run/memcached/memcached.sock"), ARG('U', "0") };
        Arg wild[] = { ARG('s', "/run/memcached/memcached.sock"), ARG('l', "0.0.0.0"), ARG('U', "0") };
        PolicyResult r;
        const Finding *f;

        r = eval(bare, ELEMENTSOF(bare), NULL);
        ck_assert_uint_eq(count_appends(&r, 'l'), 0);
        ck_assert_ptr_null(find(&r, "listen-missing"));
        f = find(&r, "unix-socket");
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->severity, SEVERITY_INFO);
        policy_result_done(&r);

        r = eval(wild, ELEMENTSOF(wild), NULL);
        ck_assert_uint_eq(count_appends(&r, 'l'), 0);
        ck_assert_uint_eq(count_edits_on(&r, 1), 0);
        ck_assert_ptr_null(find(&r, "listen-wildcard"));
        ck_assert_ptr_nonnull(find(&r, "unix-socket"));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_ineffective_ignored) {
        Arg l[] = { ARG_IGNORED('l', "0.0.0.0"), ARG('U', "0") };
        Arg u[] = { ARG('l', "127.0.0.1"), ARG_IGNORED('U', "11211") };
        Arg ok[] = { ARG('l', "127.0.0.1"), ARG('U', "0"), ARG_IGNORED('l', "0.0.0.0"), ARG_IGNORED('U', "1") };
        PolicyResult r;
        const Edit *e;
        bool info_at_42;

        /* The ignored -l is no listen setting at all. */
        r = eval(l, ELEMENTSOF(l), NULL);
        ck_assert_uint_eq(count_edits_on(&r, 0), 0);
        e = append_of(&r, 'l');
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e->value, "127.0.0.1");
        ck_assert_ptr_nonnull(find(&r, "listen-missing"));
        ck_assert_ptr_null(find(&r, "listen-wildcard"));
        info_at_42 = false;
        for (size_t i = 0; i < r.n_findings; i++)
                if (r.findings[i].severity == SEVERITY_INFO && r.findings[i].line == 42)
                        info_at_42 = true;
        ck_assert(info_at_42);
        policy_result_done(&r);

        r = eval(u, ELEMENTSOF(u), NULL);
        ck_assert_uint_eq(count_edits_on(&r, 1), 0);
        e = append_of(&r, 'U');
        ck_assert_ptr_nonnull(e);
        ck_assert_str_eq(e->value, "0");
        ck_assert_ptr_null(find(&r, "udp-enabled"));
        info_at_42 = false;
        for (size_t i = 0; i < r.n_findings; i++)
                if (r.findings[i].severity == SEVERITY_INFO && r.findings[i].line == 42)
                        info_at_42 = true;
        ck_assert(info_at_42);
        policy_result_done(&r);

        r = eval(ok, ELEMENTSOF(ok), NULL);
        ck_assert_uint_eq(r.n_edits, 0);
        ck_assert(policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_compliant_by_severity) {
        PolicyResult r = {};

        ck_assert(policy_compliant(&r));
        ck_assert_int_eq(policy_add_finding(&r, "test-info", SEVERITY_INFO, 3, "just %s", "so"), 0);
        ck_assert_uint_eq(r.n_findings, 1);
        ck_assert_str_eq(r.findings[0].id, "test-info");
        ck_assert_str_eq(r.findings[0].message, "just so");
        ck_assert_uint_eq(r.findings[0].line, 3);
        ck_assert(policy_compliant(&r));
        ck_assert_int_eq(policy_add_finding(&r, "test-low", SEVERITY_LOW, 0, "%d", 7), 0);
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);

        r = (PolicyResult) {};
        ck_assert_int_eq(policy_add_finding(&r, "test-high", SEVERITY_HIGH, 0, "x"), 0);
        ck_assert(!policy_compliant(&r));
        policy_result_done(&r);
}
END_TEST

START_TEST(test_severity_to_string) {
        Severity all[] = { SEVERITY_INFO, SEVERITY_LOW, SEVERITY_MEDIUM, SEVERITY_HIGH };

        for (size_t i = 0; i < ELEMENTSOF(all); i++) {
                ck_assert_ptr_nonnull(severity_to_string(all[i]));
                for (size_t j = 0; j < i; j++)
                        ck_assert_str_ne(severity_to_string(all[i]), severity_to_string(all[j]));
        }
}
END_TEST

/* Applies R's edits to ARGS (SET, then DELETE by original index, then APPEND)
 * into OUT, which holds at least n + r->n_edits entries. */
static size_t apply(const Arg *args, size_t n, const PolicyResult *r, Arg *out) {
        bool deleted[16] = {};
        Arg tmp[16];
        size_t m = 0;

        ck_assert_uint_le(n, ELEMENTSOF(tmp));
        memcpy(tmp, args, n * sizeof(Arg));
        for (size_t i = 0; i < r->n_edits; i++) {
                const Edit *e = &r->edits[i];

                if (e->op == EDIT_APPEND)
                        continue;
                ck_assert_uint_lt(e->arg, n);
                ck_assert_msg(tmp[e->arg].effective, "edit on an ineffective arg %zu", e->arg);
                if (e->op == EDIT_SET)
                        tmp[e->arg].value = e->value;
                else
                        deleted[e->arg] = true;
        }
        for (size_t i = 0; i < n; i++)
                if (!deleted[i])
                        out[m++] = tmp[i];
        for (size_t i = 0; i < r->n_edits; i++)
                if (r->edits[i].op == EDIT_APPEND)
                        out[m++] = (Arg) { .letter = r->edits[i].letter, .value = r->edits[i].value,
                                           .path = (char *) "/files/x/new", .effective = true };
        return m;
}

START_TEST(test_invariant) {
        static const Arg pool[] = {
                ARG('l', "127.0.0.1"),
                ARG('l', "0.0.0.0"),
                ARG('l', "10.0.0.5,0.0.0.0"),
                ARG('l', "8.8.8.8"),
                ARG('l', "cache.example.com"),
                ARG('l', "[::1]:11211"),
                ARG('l', "1.2.3.4:99999"),
                ARG('l', "127.0.0.1,"),
                ARG('l', "cache.internal"),
                ARG('l', "nowhere.example"),
                ARG('l', "27.0.0.1"),
                ARG('l', "127.0.0.1,5.6.7.8"),
                ARG('l', "5.6.7.8"),
                ARG('l', "10.0.0.5,btls:10.0.0.5:11212"),
                ARG('l', "*"),
                ARG('U', "0"),
                ARG('U', "11211"),
                ARG('s', "/run/mc.sock"),
                ARG('m', "64"),
                ARG_IGNORED('l', "0.0.0.0"),
                ARG_IGNORED('U', "11211"),
        };
        static const char *const listens[] = { NULL, "10.1.2.3", "127.0.0.1,::1" };
        static const char *const public_addr[] = { "8.8.8.8", NULL }, *const private_addr[] = { "10.0.0.7", NULL };
        _cleanup_(host_table_done) HostTable t = {};
        size_t P = ELEMENTSOF(pool), checked = 0;

        put(&t, "cache.example.com", public_addr);
        put(&t, "cache.internal", private_addr);
        put(&t, "nowhere.example", NULL);

        for (size_t li = 0; li < ELEMENTSOF(listens); li++)
                for (size_t len = 0; len <= 3; len++) {
                        size_t total = 1;

                        for (size_t k = 0; k < len; k++)
                                total *= P;
                        for (size_t c = 0; c < total; c++) {
                                Arg args[3], fixed[16];
                                PolicyResult r, again;
                                size_t x = c, m;

                                for (size_t k = 0; k < len; k++) {
                                        args[k] = pool[x % P];
                                        x /= P;
                                }
                                r = eval_hosts(args, len, listens[li], &t);
                                /* Edits exactly with findings above INFO, but for
                                 * listen-unresolved, which has none. */
                                ck_assert_msg((r.n_edits > 0) == has_edited_finding(&r),
                                              "combination %zu/%zu (listen %s): compliant=%d, %zu edits", len, c,
                                              listens[li] ?: "-", policy_compliant(&r), r.n_edits);
                                ck_assert(policy_compliant(&r) == !has_finding_above_info(&r));
                                ck_assert(!policy_unresolved(&r) || !policy_compliant(&r));

                                /* Applying the edits converges: nothing left to do. */
                                m = apply(args, len, &r, fixed);
                                again = eval_hosts(fixed, m, listens[li], &t);
                                ck_assert_msg(again.n_edits == 0 && (policy_compliant(&again) || policy_unresolved(&again)),
                                              "combination %zu/%zu (listen %s): %zu edits after applying",
                                              len, c, listens[li] ?: "-", again.n_edits);
                                policy_result_done(&again);
                                policy_result_done(&r);
                                checked++;
                        }
                }
        ck_assert_uint_gt(checked, 1000);
}
END_TEST

START_TEST(test_check_listen) {
        static const char *const good[] = {
                "127.0.0.1", "127.0.0.1,10.0.0.1", "::1", "[::1]:11211", "localhost", "192.168.1.1:11211", "fd00::1",
                "10.0.0.5,btls:10.0.0.5:11212", "notls:127.0.0.1:11211", "proto[ascii]:tag[web]:[::1]:11211",
                "127.0.0.1,,::1",
        };
        static const char *const bad[] = {
                "0.0.0.0", "8.8.8.8", "example.com", "", "127.0.0.1,0.0.0.0", "::", "1.2.3.4:99999", "*",
                "controller", "127.0.0.1;10.0.0.1", ",", "notls", "btls:0.0.0.0:11211", "127.0.0.1 10.0.0.1",
                "tag[$(x)]:127.0.0.1", "127.0.0.1`id`", "127.0.0.1&",
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                ErrorInfo e = {};

                ck_assert_msg(policy_check_listen(good[i], &e) == 0, "'%s' refused", good[i]);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                ErrorInfo e = {};

                ck_assert_msg(policy_check_listen(bad[i], &e) == -EINVAL, "'%s' accepted", bad[i]);
                ck_assert(e.subject[0] != '\0' || e.detail[0] != '\0');
        }
        /* NULL ErrorInfo is allowed. */
        ck_assert_int_eq(policy_check_listen("8.8.8.8", NULL), -EINVAL);
}
END_TEST

/* ';' and names are refused with a message that says what to give instead. */
START_TEST(test_check_listen_messages) {
        ErrorInfo e = {};

        ck_assert_int_eq(policy_check_listen("127.0.0.1;10.0.0.1", &e), -EINVAL);
        ck_assert_msg(strstr(e.hint, "','"), "hint '%s' does not say to use ','", e.hint);
        e = (ErrorInfo) {};
        ck_assert_int_eq(policy_check_listen("127.0.0.1,controller", &e), -EINVAL);
        ck_assert_str_eq(e.subject, "controller");
        ck_assert_msg(strstr(e.detail, "host name"), "detail '%s'", e.detail);
}
END_TEST

START_TEST(test_check_listen_names_element) {
        ErrorInfo e = {};

        ck_assert_int_eq(policy_check_listen("127.0.0.1,8.8.4.4", &e), -EINVAL);
        ck_assert_msg(strstr(e.subject, "8.8.4.4") || strstr(e.detail, "8.8.4.4"),
                      "bad element not named: subject '%s' detail '%s'", e.subject, e.detail);
}
END_TEST

static Suite *policy_suite(void) {
        Suite *s = suite_create("policy");
        TCase *tc = tcase_create("core");

        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_hardened_is_compliant);
        tcase_add_test(tc, test_listen_missing);
        tcase_add_test(tc, test_listen_wildcard_set_in_place);
        tcase_add_test(tc, test_listen_list_keeps_safe);
        tcase_add_test(tc, test_listen_public_and_hostname);
        tcase_add_test(tc, test_listen_star);
        tcase_add_test(tc, test_listen_semicolon);
        tcase_add_test(tc, test_listen_empty_elements);
        tcase_add_test(tc, test_listen_two_unsafe);
        tcase_add_test(tc, test_listen_safe_and_unsafe);
        tcase_add_test(tc, test_listen_requested);
        tcase_add_test(tc, test_listen_tls_prefixes);
        tcase_add_test(tc, test_listen_tripleo);
        tcase_add_test(tc, test_listen_substring);
        tcase_add_test(tc, test_listen_substring_stable);
        tcase_add_test(tc, test_listen_kept_not_swallowed);
        tcase_add_test(tc, test_listen_rdo_controller);
        tcase_add_test(tc, test_listen_unresolved_without_table);
        tcase_add_test(tc, test_udp_enabled);
        tcase_add_test(tc, test_udp_as_memcached_reads_it);
        tcase_add_test(tc, test_udp_implicit);
        tcase_add_test(tc, test_udp_zero);
        tcase_add_test(tc, test_udp_duplicate);
        tcase_add_test(tc, test_unix_socket);
        tcase_add_test(tc, test_ineffective_ignored);
        tcase_add_test(tc, test_compliant_by_severity);
        tcase_add_test(tc, test_severity_to_string);
        tcase_add_test(tc, test_invariant);
        tcase_add_test(tc, test_check_listen);
        tcase_add_test(tc, test_check_listen_names_element);
        tcase_add_test(tc, test_check_listen_messages);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(policy_suite)
