/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for firewall.c (memharden's nftables table from memcached's
 * endpoints) and firewall_nft.c's reading of nft's error messages. The
 * rulesets are checked against nft itself by tests/cli/test-firewall.sh. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check-main.h"
#include "cleanup.h"
#include "firewall.h"
#include "firewall_nft.h"

#define MAX_ARGS 4

typedef struct Opt {
        const char *letter, *value;
} Opt;

/* Endpoints of the options OPTS (letter as a string, value). */
static Endpoints endpoints_of(const Opt *opts) {
        Arg args[MAX_ARGS] = {};
        Endpoints e;
        size_t n = 0;

        while (n < MAX_ARGS && opts[n].letter) {
                args[n] = (Arg) { .letter = opts[n].letter[0], .value = (char *) opts[n].value, .effective = true };
                n++;
        }
        ck_assert_int_eq(endpoints_from_args(args, n, &e), 0);
        return e;
}

static FirewallNet net(const char *addr, unsigned prefix) {
        FirewallNet n = { .family = strchr(addr, ':') ? AF_INET6 : AF_INET, .prefix = prefix };

        ck_assert_int_eq(inet_pton(n.family, addr, n.addr), 1);
        return n;
}

/* The spec of one file with OPTS and interface addresses IFS. */
static void spec_of(FirewallSpec *s, const Opt *opts, const FirewallNet *ifs, size_t n_ifs, const HostTable *hosts) {
        Endpoints e = endpoints_of(opts);

        ck_assert_int_eq(firewall_spec_add(s, &e, hosts, ifs, n_ifs), 0);
        endpoints_done(&e);
}

static void assert_ports(const int *v, size_t n, const char *want) {
        char got[256] = "";
        size_t k = 0;

        for (size_t i = 0; i < n; i++)
                k += (size_t) snprintf(got + k, sizeof got - k, "%s%d", i ? "," : "", v[i]);
        ck_assert_str_eq(got, want);
}

static void assert_nets(const FirewallSpec *s, const char *want) {
        char got[512] = "", buf[64];
        size_t k = 0;

        for (size_t i = 0; i < s->n_nets; i++)
                k += (size_t) snprintf(got + k, sizeof got - k, "%s%s", i ? "," : "",
                                       firewall_net_to_string(&s->nets[i], buf, sizeof buf));
        ck_assert_str_eq(got, want);
}

START_TEST(test_exposed_default) {
        /* memcached's own default and the Memcrashed setup: every interface, UDP on. */
        static const char want[] =
                "table inet memharden {\n"
                "\tchain prerouting {\n"
                "\t\ttype filter hook prerouting priority raw; policy accept;\n"
                "\t\tiif \"lo\" accept\n"
                "\t\tudp dport 11211 drop\n"
                "\t\tudp sport 11211 drop\n"
                "\t}\n\n"
                "\tchain forward {\n"
                "\t\ttype filter hook forward priority raw; policy accept;\n"
                "\t\tudp dport 11211 drop\n"
                "\t\tudp sport 11211 drop\n"
                "\t}\n\n"
                "\tchain output {\n"
                "\t\ttype filter hook output priority raw; policy accept;\n"
                "\t\toif \"lo\" accept\n"
                "\t\tudp dport 11211 drop\n"
                "\t\tudp sport 11211 drop\n"
                "\t}\n"
                "}\n";
        _cleanup_(firewall_spec_done) FirewallSpec s = {};
        _cleanup_free_ char *text = NULL;

        spec_of(&s, (Opt[]) { { "l", "0.0.0.0" }, { "U", "11211" }, {} }, NULL, 0, NULL);
        assert_ports(s.udp_ports, s.n_udp_ports, "11211");
        ck_assert_uint_eq(s.n_tcp_ports, 0);
        text = firewall_ruleset(&s);
        ck_assert_str_eq(text, want);
}
END_TEST

START_TEST(test_udp_off_still_dropped) {
        /* UDP off, another TCP port: that port and 11211 are dropped anyway. */
        _cleanup_(firewall_spec_done) FirewallSpec s = {};

        spec_of(&s, (Opt[]) { { "p", "11400" }, { "U", "0" }, { "l", "127.0.0.1" }, {} }, NULL, 0, NULL);
        assert_ports(s.udp_ports, s.n_udp_ports, "11211,11400");
        ck_assert_uint_eq(s.n_tcp_ports, 0); /* loopback only: no TCP rule */
}
END_TEST

START_TEST(test_private_interface_network) {
        FirewallNet ifs[] = { net("127.0.0.1", 8), net("10.213.0.1", 24), net("192.168.5.1", 16) };
        _cleanup_(firewall_spec_done) FirewallSpec s = {};
        _cleanup_free_ char *text = NULL, *summary = NULL;

        spec_of(&s, (Opt[]) { { "l", "10.213.0.1,127.0.0.1:11300" }, { "U", "11211" }, {} }, ifs, 3, NULL);
        assert_ports(s.udp_ports, s.n_udp_ports, "11211,11300");
        assert_ports(s.tcp_ports, s.n_tcp_ports, "11211,11300");
        assert_nets(&s, "10.213.0.0/24");
        ck_assert_uint_eq(s.n_blocks, 0);
        text = firewall_ruleset(&s);
        ck_assert_ptr_nonnull(strstr(text,
                "\tchain input {\n"
                "\t\ttype filter hook input priority filter; policy accept;\n"
                "\t\tiif \"lo\" accept\n"
                "\t\ttcp dport { 11211, 11300 } ip saddr 10.213.0.0/24 accept\n"
                "\t\ttcp dport { 11211, 11300 } drop\n"
                "\t}\n\n"
                "\tchain forward {\n"));
        ck_assert_ptr_null(strstr(text, "ip6 saddr"));
        summary = firewall_summary(&s);
        ck_assert_str_eq(summary, "UDP to and from ports 11211, 11300 dropped on every interface but loopback; "
                                  "TCP to 11211, 11300 only from loopback and 10.213.0.0/24");
}
END_TEST

START_TEST(test_private_block_fallbacks) {
        /* No interface has it (or --root: none read), a host route, and a
         * prefix wider than the private block: the block each time. */
        FirewallNet ifs[] = { net("192.168.7.7", 32), net("172.16.9.9", 8) };
        _cleanup_(firewall_spec_done) FirewallSpec s = {};

        spec_of(&s, (Opt[]) { { "l", "10.1.2.3,192.168.7.7,172.16.9.9" }, {} }, ifs, 2, NULL);
        assert_nets(&s, "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16");
        ck_assert_uint_eq(s.n_blocks, 2);
        firewall_spec_done(&s);
        spec_of(&s, (Opt[]) { { "l", "10.1.2.3" }, {} }, NULL, 0, NULL);
        assert_nets(&s, "10.0.0.0/8");
        ck_assert_uint_eq(s.n_blocks, 1);
}
END_TEST

START_TEST(test_overlapping_networks_merged) {
        /* Two files: one network inside the other's block. nft refuses
         * overlapping elements in one set, so only the wider stays. */
        FirewallNet ifs[] = { net("10.213.0.1", 24) };
        _cleanup_(firewall_spec_done) FirewallSpec s = {};

        spec_of(&s, (Opt[]) { { "l", "10.213.0.1" }, {} }, ifs, 1, NULL);
        spec_of(&s, (Opt[]) { { "l", "10.9.9.9" }, { "p", "11311" }, {} }, ifs, 1, NULL);
        assert_nets(&s, "10.0.0.0/8");
        assert_ports(s.tcp_ports, s.n_tcp_ports, "11211,11311");
        assert_ports(s.udp_ports, s.n_udp_ports, "11211,11311");
}
END_TEST

START_TEST(test_ipv6) {
        FirewallNet ifs[] = { net("fd00:1::5", 64), net("10.0.0.5", 24) };
        _cleanup_(firewall_spec_done) FirewallSpec s = {};
        _cleanup_free_ char *text = NULL;

        spec_of(&s, (Opt[]) { { "l", "[fd00:1::5]:11500,10.0.0.5" }, {} }, ifs, 2, NULL);
        assert_nets(&s, "10.0.0.0/24,fd00:1::/64");
        assert_ports(s.tcp_ports, s.n_tcp_ports, "11211,11500");
        text = firewall_ruleset(&s);
        ck_assert_ptr_nonnull(strstr(text, "\t\ttcp dport { 11211, 11500 } ip saddr 10.0.0.0/24 accept\n"
                                           "\t\ttcp dport { 11211, 11500 } ip6 saddr fd00:1::/64 accept\n"
                                           "\t\ttcp dport { 11211, 11500 } drop\n"));
}
END_TEST

START_TEST(test_host_names) {
        static const char *const cache[] = { "192.168.1.10", "127.0.0.1" };
        FirewallNet ifs[] = { net("192.168.1.10", 24) };
        _cleanup_(host_table_done) HostTable hosts = {};
        _cleanup_(firewall_spec_done) FirewallSpec s = {};

        ck_assert_int_eq(host_table_init(&hosts, "/nonexistent"), 0);
        ck_assert_int_eq(host_table_put(&hosts, "cache.internal", cache, 2, NULL), 0);
        ck_assert_int_eq(host_table_put(&hosts, "gone.internal", NULL, 0, "not in hosts"), 0);
        spec_of(&s, (Opt[]) { { "l", "cache.internal,gone.internal,localhost" }, {} }, ifs, 1, &hosts);
        assert_nets(&s, "192.168.1.0/24");
        ck_assert_uint_eq(s.n_unresolved, 1);
        assert_ports(s.tcp_ports, s.n_tcp_ports, "11211");
}
END_TEST

START_TEST(test_unix_socket) {
        /* -s: no network listener, so no TCP rule; UDP dropped all the same. */
        _cleanup_(firewall_spec_done) FirewallSpec s = {};

        spec_of(&s, (Opt[]) { { "s", "/run/memcached.sock" }, { "l", "10.0.0.5" }, {} }, NULL, 0, NULL);
        ck_assert_uint_eq(s.n_tcp_ports, 0);
        assert_ports(s.udp_ports, s.n_udp_ports, "11211");
}
END_TEST

START_TEST(test_load_buffer_and_file) {
        _cleanup_free_ char *buf = firewall_load_buffer("table inet memharden {\n}\n"), *file = NULL;

        ck_assert_str_eq(buf, "table inet memharden {\n}\ndelete table inet memharden\ntable inet memharden {\n}\n");
        file = firewall_file_text(buf);
        ck_assert(firewall_file_is_ours(file));
        ck_assert_ptr_nonnull(strstr(file, "\n" "table inet memharden {\n}\ndelete table"));
        ck_assert(!firewall_file_is_ours("#!/usr/sbin/nft -f\nflush ruleset\n"));
        ck_assert(!firewall_file_is_ours(FIREWALL_FILE_HEADER "x\n"));
        ck_assert(firewall_file_is_ours(FIREWALL_FILE_HEADER));
        ck_assert_str_eq(FIREWALL_FILE, "/etc/memharden/firewall.nft");
}
END_TEST

START_TEST(test_masked) {
        FirewallNet n = net("10.213.77.200", 20), m = firewall_net_masked(&n);
        char buf[64];

        ck_assert_str_eq(firewall_net_to_string(&m, buf, sizeof buf), "10.213.64.0/20");
        n = net("fd12:3456:789a:1::77", 49);
        m = firewall_net_masked(&n);
        ck_assert_str_eq(firewall_net_to_string(&m, buf, sizeof buf), "fd12:3456:789a::/49");
}
END_TEST

START_TEST(test_nft_errno) {
        ck_assert_int_eq(firewall_nft_errno("Error: Could not process rule: Operation not permitted\n"), -EPERM);
        ck_assert_int_eq(firewall_nft_errno("Error: Could not process rule: Operation not supported\n"), -EOPNOTSUPP);
        ck_assert_int_eq(firewall_nft_errno("Error: No such file or directory\nlist table inet memharden\n"), -ENOENT);
        ck_assert_int_eq(firewall_nft_errno("Error: syntax error, unexpected junk\n"), -EIO);
        ck_assert_int_eq(firewall_nft_errno(NULL), -EIO);
}
END_TEST

static Suite *firewall_suite(void) {
        Suite *s = suite_create("firewall");
        TCase *tc = tcase_create("core");

        tcase_add_test(tc, test_exposed_default);
        tcase_add_test(tc, test_udp_off_still_dropped);
        tcase_add_test(tc, test_private_interface_network);
        tcase_add_test(tc, test_private_block_fallbacks);
        tcase_add_test(tc, test_overlapping_networks_merged);
        tcase_add_test(tc, test_ipv6);
        tcase_add_test(tc, test_host_names);
        tcase_add_test(tc, test_unix_socket);
        tcase_add_test(tc, test_load_buffer_and_file);
        tcase_add_test(tc, test_masked);
        tcase_add_test(tc, test_nft_errno);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(firewall_suite)
