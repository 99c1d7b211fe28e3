/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for fw_firewalld.c and fw_ufw.c: what lets UDP to memcached's
 * ports in, from texts in memory shaped as firewalld 1.3 and ufw 0.36 write
 * them (the memcache service is firewalld's stock one; the ufw tuples are
 * what 'ufw allow ...' wrote), and hostile texts that must neither crash
 * nor expand. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-main.h"
#include "cleanup.h"
#include "fwfiles.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

/* firewalld 1.3.3's /usr/lib/firewalld/services/memcache.xml */
#define STOCK_MEMCACHE                                                                  \
        XML_HEAD "<service>\n  <short>memcache</short>\n"                              \
                 "  <description>memcache is a high-performance object caching system.</description>\n" \
                 "  <port protocol=\"tcp\" port=\"11211\"/>\n  <port protocol=\"udp\" port=\"11211\"/>\n</service>\n"

typedef struct Services {
        const char *names[8];
        const char *texts[8];
} Services;

static int lookup(void *userdata, const char *name, char **ret_text, size_t *ret_size, char **ret_path) {
        const Services *s = userdata;

        for (size_t i = 0; i < 8 && s && s->names[i]; i++) {
                if (strcmp(s->names[i], name) != 0)
                        continue;
                *ret_text = strdup(s->texts[i]);
                *ret_size = strlen(s->texts[i]);
                ck_assert_int_ge(asprintf(ret_path, "/usr/lib/firewalld/services/%s.xml", name), 0);
                return 0;
        }
        return -ENOENT;
}

static const Services stock = { { "memcache" }, { STOCK_MEMCACHE } };

static FwPorts ports_of(int a, int b) {
        FwPorts p = {};
        fw_ports_add(&p, a);
        fw_ports_add(&p, b);
        return p;
}

/* Judges zone (or policy) BODY with the stock services; returns the findings. */
static FwFindings judge_xml(const char *root_tag, const char *body, const Services *s, const FwPorts *ports) {
        _cleanup_free_ char *text = NULL;
        FwFindings f = {};
        FwPorts p = ports ? *ports : ports_of(11211, 0);

        bool policy = strncmp(root_tag, "policy", 6) == 0;

        /* ROOT_TAG may carry attributes: the end tag has its name only */
        ck_assert_int_ge(asprintf(&text, XML_HEAD "<%s>\n%s</%.*s>\n", root_tag, body, (int) strcspn(root_tag, " "),
                                  root_tag),
                         0);
        ck_assert_int_eq(fw_firewalld_judge(policy ? "/etc/firewalld/policies/p.xml" : "/etc/firewalld/zones/public.xml",
                                            text, strlen(text), policy, &p, lookup,
                                            (void *) (s ?: &stock), &f),
                         0);
        return f;
}

static size_t count(const FwFindings *f, FwKind kind) {
        size_t n = 0;
        for (size_t i = 0; i < f->n; i++)
                n += f->items[i].kind == kind;
        return n;
}

/* Each zone body, and how many rules in it let UDP to 11211 in. */
static const struct {
        const char *body;
        size_t opens;
        const char *says; /* in the first finding's message, or NULL */
} zones[] = {
        { "  <service name=\"ssh\"/>\n  <service name=\"memcache\"/>\n", 1, "--zone=public --remove-service=memcache" },
        { "  <port protocol=\"udp\" port=\"11211\"/>\n", 1, "--remove-port=11211/udp" },
        { "  <port protocol=\"tcp\" port=\"11211\"/>\n", 0, NULL },
        { "  <port protocol=\"udp\" port=\"11000-12000\"/>\n", 1, "--remove-port=11000-12000/udp" },
        { "  <port protocol=\"udp\" port=\"12000-13000\"/>\n", 0, NULL },
        { "  <port protocol=\"udp\" port=\"11212\"/>\n", 0, NULL },
        { "  <port protocol=\"udp\" port=\"banana\"/>\n  <port protocol=\"udp\" port=\"11300-11000\"/>\n", 0, NULL },
        { "  <protocol value=\"udp\"/>\n", 1, "--remove-protocol=udp" },
        { "  <protocol value=\"tcp\"/>\n", 0, NULL },
        { "  <rule family=\"ipv4\">\n    <source address=\"10.0.0.0/8\"/>\n    <port protocol=\"udp\" port=\"11211\"/>\n"
          "    <accept/>\n  </rule>\n", 1, "rich rule that accepts 11211/udp from 10.0.0.0/8" },
        { "  <rule family=\"ipv4\">\n    <port protocol=\"udp\" port=\"11211\"/>\n    <drop/>\n  </rule>\n", 0, NULL },
        { "  <rule>\n    <service name=\"memcache\"/>\n    <accept/>\n  </rule>\n", 1, "--remove-rich-rule" },
        { "  <rule family=\"ipv6\">\n    <source address=\"fd00::/8\"/>\n    <accept/>\n  </rule>\n", 1, "accepts everything" },
        { "  <rule>\n    <source address=\"10.0.0.0/8\"/>\n    <port protocol=\"tcp\" port=\"11211\"/>\n    <accept/>\n"
          "  </rule>\n", 0, NULL },
        { "  <rule>\n    <icmp-type name=\"echo-request\"/>\n    <accept/>\n  </rule>\n", 0, NULL },
        { "  <service name=\"no-such-service\"/>\n  <service name=\"../../etc/shadow\"/>\n", 0, NULL },
        { "  <forward/>\n  <service name=\"memcache\"/>\n  <port protocol=\"udp\" port=\"11211\"/>\n", 2, "'memcache'" },
};

START_TEST(test_zones) {
        _cleanup_(fw_findings_done) FwFindings f = judge_xml("zone", zones[_i].body, NULL, NULL);

        ck_assert_msg(count(&f, FW_OPENS_UDP) == zones[_i].opens, "zone %d: %zu findings, want %zu: %s", _i, f.n,
                      zones[_i].opens, f.n ? f.items[0].message : "");
        ck_assert_int_eq(count(&f, FW_UNREADABLE), 0);
        if (zones[_i].says)
                ck_assert_msg(strstr(f.items[0].message, zones[_i].says), "zone %d: '%s' lacks '%s'", _i,
                              f.items[0].message, zones[_i].says);
        for (size_t i = 0; i < f.n; i++) {
                ck_assert_str_eq(f.items[i].path, "/etc/firewalld/zones/public.xml");
                ck_assert_uint_gt(f.items[i].line, 2); /* the element's own line, below <zone> */
                ck_assert(!f.items[i].inactive);
        }
}
END_TEST

START_TEST(test_lines_and_ports) {
        FwPorts p = ports_of(11211, 11300);
        _cleanup_(fw_findings_done) FwFindings f =
                judge_xml("zone", "  <short>x</short>\n  <port protocol=\"udp\" port=\"11300\"/>\n"
                                  "  <port protocol=\"udp\" port=\"11000-12000\"/>\n",
                          NULL, &p);

        ck_assert_int_eq(f.n, 2);
        ck_assert_uint_eq(f.items[0].line, 4);
        ck_assert_uint_eq(f.items[1].line, 5);
        ck_assert_ptr_nonnull(strstr(f.items[0].message, "lets 11300/udp in"));
        ck_assert_ptr_nonnull(strstr(f.items[1].message, "lets 11211/udp, 11300/udp in"));
}
END_TEST

/* A service's own definition decides: an override that opens TCP only, a
 * custom one with a UDP port, one that includes the stock memcache, and an
 * include loop. */
START_TEST(test_service_definitions) {
        static const Services s = {
                { "memcache", "mycache", "wrap", "loop", "broken" },
                { XML_HEAD "<service><port protocol=\"tcp\" port=\"11211\"/></service>",
                  XML_HEAD "<service><port protocol=\"udp\" port=\"11200-11300\"/></service>",
                  XML_HEAD "<service><include service=\"mycache\"/></service>",
                  XML_HEAD "<service><include service=\"loop\"/></service>",
                  XML_HEAD "<service><port protocol=\"udp\" port=\"11211\">" },
        };
        _cleanup_(fw_findings_done) FwFindings a = judge_xml("zone", "<service name=\"memcache\"/>", &s, NULL);
        _cleanup_(fw_findings_done) FwFindings b = judge_xml("zone", "<service name=\"mycache\"/>", &s, NULL);
        _cleanup_(fw_findings_done) FwFindings c = judge_xml("zone", "<service name=\"wrap\"/>", &s, NULL);
        _cleanup_(fw_findings_done) FwFindings d = judge_xml("zone", "<service name=\"loop\"/>", &s, NULL);
        _cleanup_(fw_findings_done) FwFindings e = judge_xml("zone", "<service name=\"broken\"/>", &s, NULL);

        ck_assert_int_eq(a.n, 0);
        ck_assert_int_eq(count(&b, FW_OPENS_UDP), 1);
        ck_assert_ptr_nonnull(strstr(b.items[0].message, "service 'mycache'"));
        ck_assert_int_eq(count(&c, FW_OPENS_UDP), 1);
        ck_assert_int_eq(d.n, 0);
        ck_assert_int_eq(e.n, 1);
        ck_assert_int_eq(e.items[0].kind, FW_UNREADABLE);
        ck_assert_str_eq(e.items[0].path, "/usr/lib/firewalld/services/broken.xml");
}
END_TEST

START_TEST(test_policies_and_targets) {
        _cleanup_(fw_findings_done) FwFindings host = judge_xml(
                "policy", "<ingress-zone name=\"ANY\"/><egress-zone name=\"HOST\"/><service name=\"memcache\"/>", NULL,
                NULL);
        _cleanup_(fw_findings_done) FwFindings fwd = judge_xml(
                "policy", "<ingress-zone name=\"internal\"/><egress-zone name=\"external\"/><service name=\"memcache\"/>",
                NULL, NULL);
        _cleanup_(fw_findings_done) FwFindings any = judge_xml(
                "policy", "<ingress-zone name=\"HOST\"/><egress-zone name=\"ANY\"/><protocol value=\"udp\"/>", NULL,
                NULL);
        _cleanup_(fw_findings_done) FwFindings accept = judge_xml(
                "policy target=\"ACCEPT\"", "<ingress-zone name=\"public\"/><egress-zone name=\"HOST\"/>", NULL, NULL);
        _cleanup_(fw_findings_done) FwFindings trusted = judge_xml("zone target=\"ACCEPT\"", "<short>Trusted</short>",
                                                                   NULL, NULL);
        _cleanup_(fw_findings_done) FwFindings bound =
                judge_xml("zone target=\"ACCEPT\"", "<interface name=\"eth0\"/>", NULL, NULL);

        ck_assert_int_eq(count(&host, FW_OPENS_UDP), 1);
        ck_assert_ptr_nonnull(strstr(host.items[0].message, "--policy=p --remove-service=memcache"));
        ck_assert_int_eq(fwd.n, 0); /* forwarded traffic: no daemon of this host */
        ck_assert_int_eq(any.n, 0); /* ANY does not include HOST */
        ck_assert_int_eq(count(&accept, FW_OPENS_UDP), 1);
        ck_assert_ptr_nonnull(strstr(accept.items[0].message, "--set-target=CONTINUE"));
        ck_assert_int_eq(trusted.n, 0);
        ck_assert_int_eq(count(&bound, FW_OPENS_UDP), 1);
        ck_assert_ptr_nonnull(strstr(bound.items[0].message, "--set-target=default"));
}
END_TEST

/* Texts a hostile image may hold: each is one unreadable finding at most,
 * never an expansion, never a crash. */
static char *nested(size_t depth) {
        char *s = malloc(depth * 7 + 64), *p = s;

        ck_assert_ptr_nonnull(s);
        p += sprintf(p, "<zone>");
        for (size_t i = 0; i < depth; i++)
                p += sprintf(p, "<rule>");
        p += sprintf(p, "<accept/>");
        return s;
}

START_TEST(test_hostile_xml) {
        static const char *const texts[] = {
                XML_HEAD "<!DOCTYPE zone [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                         "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                         "<zone><port protocol=\"udp\" port=\"&d;\"/><short>&d;&d;&d;</short></zone>",
                XML_HEAD "<!DOCTYPE zone SYSTEM \"file:///etc/shadow\"><zone>&x;</zone>",
                XML_HEAD "<zone><port protocol=\"udp\" port=\"11211\"></zone>",
                XML_HEAD "<service name=\"memcache\"/>",
                "",
                "not xml at all\n",
                XML_HEAD "<zone><port protocol=\"udp\" port=\"11211\"/></zone><zone/>",
        };
        FwPorts p = ports_of(11211, 0);

        for (size_t i = 0; i < ELEMENTSOF(texts); i++) {
                _cleanup_(fw_findings_done) FwFindings f = {};

                ck_assert_int_eq(fw_firewalld_judge("/etc/firewalld/zones/x.xml", texts[i], strlen(texts[i]), false,
                                                    &p, lookup, (void *) &stock, &f),
                                 0);
                ck_assert_msg(f.n == 1 && f.items[0].kind == FW_UNREADABLE, "text %zu: %zu findings", i, f.n);
                ck_assert_uint_lt(strlen(f.items[0].message), 400);
        }
}
END_TEST

START_TEST(test_hostile_sizes) {
        _cleanup_free_ char *deep = nested(100000), *wide = NULL;
        _cleanup_(fw_findings_done) FwFindings a = {}, b = {};
        FwPorts p = ports_of(11211, 0);
        size_t n = 900 * 1024;

        /* deeper than libxml2's limit (256 without XML_PARSE_HUGE): refused */
        ck_assert_int_eq(fw_firewalld_judge("/z.xml", deep, strlen(deep), false, &p, lookup, (void *) &stock, &a), 0);
        ck_assert_int_eq(a.n, 1);
        ck_assert_int_eq(a.items[0].kind, FW_UNREADABLE);

        /* one line of 900 KiB: read, and its one port judged */
        wide = malloc(n + 128);
        ck_assert_ptr_nonnull(wide);
        strcpy(wide, "<zone><short>");
        memset(wide + strlen(wide), 'x', n);
        strcpy(wide + 13 + n, "</short><port protocol=\"udp\" port=\"11211\"/></zone>");
        ck_assert_int_eq(fw_firewalld_judge("/z.xml", wide, strlen(wide), false, &p, lookup, (void *) &stock, &b), 0);
        ck_assert_int_eq(count(&b, FW_OPENS_UDP), 1);
        ck_assert_uint_eq(b.items[0].line, 1);
}
END_TEST

/* ---- ufw ---- */

#define TUPLE "### tuple ### "
#define V4 " 0.0.0.0/0 any 0.0.0.0/0 in\n"

static const struct {
        const char *text;
        size_t opens;
        const char *says;
} ufw[] = {
        { TUPLE "allow any 11211" V4, 1, "'ufw delete allow 11211', then 'ufw allow 11211/tcp'" },
        { TUPLE "allow tcp 11211" V4, 0, NULL },
        { TUPLE "allow udp 11211" V4, 1, "'ufw delete allow 11211/udp'" },
        { TUPLE "allow udp 80,11211" V4, 1, "'ufw delete allow 80,11211/udp'" },
        { TUPLE "allow udp 11212,11213" V4, 0, NULL },
        { TUPLE "allow udp 11000:12000 0.0.0.0/0 any 10.0.0.0/8 in\n", 1,
          "'ufw delete allow proto udp from 10.0.0.0/8 to any port 11000:12000'" },
        { TUPLE "allow tcp 11000:12000" V4, 0, NULL },
        { TUPLE "limit any 11211" V4, 1, "'ufw delete limit 11211', then 'ufw limit 11211/tcp'" },
        { TUPLE "allow_log any 11211" V4, 1, "'ufw delete allow log 11211'" },
        { TUPLE "allow any any 0.0.0.0/0 any 192.168.1.0/24 in\n", 1,
          "'ufw delete allow from 192.168.1.0/24 to any'" },
        { TUPLE "allow any 11211 0.0.0.0/0 any 0.0.0.0/0 in_eth0\n", 1, "'ufw delete allow in on eth0 from any to any port 11211'" },
        { TUPLE "route:allow udp 11211" V4, 0, NULL },
        { TUPLE "allow udp 11211 0.0.0.0/0 any 0.0.0.0/0 out\n", 0, NULL },
        { TUPLE "deny udp 11211" V4 TUPLE "allow any 11211" V4, 0, NULL },
        { TUPLE "reject any 11211" V4 TUPLE "allow udp 11211" V4, 0, NULL },
        { TUPLE "deny udp 11211 0.0.0.0/0 any 10.0.0.0/8 in\n" TUPLE "allow any 11211" V4, 1, NULL },
        { TUPLE "allow any 11211" V4 TUPLE "deny udp 11211" V4, 1, NULL },
        { TUPLE "allow any 11211 0.0.0.0/0 any 0.0.0.0/0 Memcached - in\n", 1,
          "'ufw delete allow from any to any app Memcached'" },
        { TUPLE "allow udp 11211 ::/0 any ::/0 in comment=6d63\n", 1, "'ufw delete allow 11211/udp'" },
        { TUPLE "allow udp 11211 0.0.0.0/0 any\n" TUPLE "allow udp 11211 a b c d e f g h i\n", 0, NULL },
        { "-A ufw-user-input -p udp --dport 11211 -j ACCEPT\n# ### tuple ### allow any 11211" V4, 0, NULL },
};

START_TEST(test_ufw) {
        _cleanup_(fw_findings_done) FwFindings f = {};
        FwPorts p = ports_of(11211, 0);

        ck_assert_int_eq(fw_ufw_judge("/etc/ufw/user.rules", ufw[_i].text, &p, true, &f), 0);
        ck_assert_msg(count(&f, FW_OPENS_UDP) == ufw[_i].opens, "ufw %d: %zu findings, want %zu: %s", _i, f.n,
                      ufw[_i].opens, f.n ? f.items[0].message : "");
        if (ufw[_i].says)
                ck_assert_msg(strstr(f.items[0].message, ufw[_i].says), "ufw %d: '%s' lacks '%s'", _i,
                              f.items[0].message, ufw[_i].says);
        for (size_t i = 0; i < f.n; i++)
                ck_assert(!f.items[i].inactive);
}
END_TEST

START_TEST(test_ufw_lines_disabled_huge) {
        const char *text = "*filter\n:ufw-user-input - [0:0]\n### RULES ###\n\n" TUPLE "allow any 11211" V4
                           "-A ufw-user-input -p tcp --dport 11211 -j ACCEPT\n";
        _cleanup_(fw_findings_done) FwFindings f = {}, g = {};
        _cleanup_free_ char *huge = malloc(1024 * 1024);
        FwPorts p = ports_of(11211, 0);

        ck_assert_int_eq(fw_ufw_judge("/etc/ufw/user6.rules", text, &p, false, &f), 0);
        ck_assert_int_eq(f.n, 1);
        ck_assert_uint_eq(f.items[0].line, 5);
        ck_assert(f.items[0].inactive);
        ck_assert_ptr_nonnull(strstr(f.items[0].message, "ufw is not enabled"));

        ck_assert_ptr_nonnull(huge);
        strcpy(huge, TUPLE "allow udp ");
        memset(huge + strlen(huge), '1', 1000 * 1000);
        strcpy(huge + strlen(TUPLE "allow udp ") + 1000 * 1000, V4);
        ck_assert_int_eq(fw_ufw_judge("/etc/ufw/user.rules", huge, &p, true, &g), 0);
        ck_assert_int_eq(g.n, 0);
}
END_TEST

START_TEST(test_ufw_enabled) {
        ck_assert(fw_ufw_enabled("# comment\nENABLED=yes\nLOGLEVEL=low\n"));
        ck_assert(fw_ufw_enabled("ENABLED=\"yes\"\n"));
        ck_assert(fw_ufw_enabled("enabled=YES"));
        ck_assert(!fw_ufw_enabled("ENABLED=no\n"));
        ck_assert(!fw_ufw_enabled(" ENABLED=yes\n"));   /* ufw's pattern is anchored */
        ck_assert(!fw_ufw_enabled("ENABLED=yes\nENABLED=no\n"));
        ck_assert(!fw_ufw_enabled("#ENABLED=yes\n"));
        ck_assert(!fw_ufw_enabled(""));
}
END_TEST

START_TEST(test_ports) {
        FwPorts p = {};

        fw_ports_add(&p, 11211);
        fw_ports_add(&p, 11211);
        fw_ports_add(&p, 0);
        fw_ports_add(&p, -1);
        fw_ports_add(&p, 65536);
        fw_ports_add(&p, 65535);
        ck_assert_int_eq(p.n, 2);
        for (int i = 1; i <= 100; i++)
                fw_ports_add(&p, i);
        ck_assert_int_eq(p.n, FW_PORTS_MAX);
}
END_TEST

/* A service that includes itself many times over: each service is read
 * once per lookup, not once per path to it (found by the fuzzer). */
START_TEST(test_include_fan_out) {
        _cleanup_free_ char *fan = strdup(XML_HEAD "<service>"), *text = NULL;
        Services s = { { "fan" } };
        FwFindings f;

        for (int i = 0; i < 50; i++) {
                char *next;
                ck_assert_int_ge(asprintf(&next, "%s<include service=\"fan\"/>", fan), 0);
                free(fan);
                fan = next;
        }
        ck_assert_int_ge(asprintf(&text, "%s<port protocol=\"udp\" port=\"11211\"/></service>", fan), 0);
        s.texts[0] = text;
        f = judge_xml("zone", "<service name=\"fan\"/>", &s, NULL);
        ck_assert_int_eq(count(&f, FW_OPENS_UDP), 1);
        fw_findings_done(&f);
}
END_TEST

static Suite *fwfiles_suite(void) {
        Suite *s = suite_create("fwfiles");
        TCase *tc = tcase_create("core");

        tcase_add_loop_test(tc, test_zones, 0, ELEMENTSOF(zones));
        tcase_add_test(tc, test_lines_and_ports);
        tcase_add_test(tc, test_service_definitions);
        tcase_add_test(tc, test_policies_and_targets);
        tcase_add_test(tc, test_include_fan_out);
        tcase_add_test(tc, test_hostile_xml);
        tcase_add_test(tc, test_hostile_sizes);
        tcase_add_loop_test(tc, test_ufw, 0, ELEMENTSOF(ufw));
        tcase_add_test(tc, test_ufw_lines_disabled_huge);
        tcase_add_test(tc, test_ufw_enabled);
        tcase_add_test(tc, test_ports);
        suite_add_tcase(s, tc);
        return s;
}

CHECK_MAIN(fwfiles_suite)
