/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * firewalld's zone, policy and service files (fwfiles.h), read as
 * firewalld.zone(5), firewalld.policy(5) and firewalld.service(5) describe
 * them, with libxml2 from bytes already read inside the root. libxml2 never
 * opens a path, never touches the network (XML_PARSE_NONET) and never
 * substitutes entities (no XML_PARSE_NOENT); a document type declaration,
 * which none of firewalld's files has and which is where entities would be
 * declared, makes the file unreadable before libxml2 sees it, so nothing in
 * an image can expand. What lets UDP to a judged port in:
 *   - <service name=S/>, where S's definition (its ports, protocols and
 *     the services it includes) has such a port;
 *   - <port protocol="udp" port="N[-M]"/> over one, <protocol value="udp"/>;
 *   - a rich rule <rule> with <accept/> and one of those, or with nothing
 *     to match but its source (it accepts everything from there);
 *   - a zone with target ACCEPT that binds an interface or a source, a
 *     policy with target ACCEPT.
 * A policy counts only when traffic to this host passes it (egress zone
 * HOST): the others filter forwarded traffic.
 */
#include "fwfiles.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "util.h"

/* How many services one <service> may bring in through <include
 * service=.../>, each read once: firewalld refuses loops; this bounds what a
 * hostile set of services (one including another many times over) could
 * make us read. */
#define SERVICES_PER_LOOKUP_MAX 32
#define SERVICE_NAME_MAX 128

typedef struct Seen {
        char name[SERVICES_PER_LOOKUP_MAX][SERVICE_NAME_MAX];
        size_t n;
} Seen;

DEFINE_TRIVIAL_CLEANUP_FUNC(xmlDoc *, xmlFreeDoc);
static inline void xml_freep(xmlChar **p) {
        if (*p)
                xmlFree(*p);
}
#define _cleanup_xml_ _cleanup_(xml_freep)

typedef struct Judge {
        const char *path;
        const char *kind;      /* "zone" or "policy" */
        char name[256];        /* the zone's or policy's name: its file's, less ".xml" */
        const FwPorts *ports;
        FwServiceLookup lookup;
        void *userdata;
        FwFindings *out;
} Judge;

static bool is_element(const xmlNode *n, const char *name) {
        return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *) name) == 0;
}

static bool prop_is(const xmlNode *n, const char *prop, const char *value) {
        _cleanup_xml_ xmlChar *v = xmlGetProp(n, (const xmlChar *) prop);
        return v && strcmp((const char *) v, value) == 0;
}

/* Parses TEXT into *RET; else *RET_WHY says why it cannot be read. */
static int parse_xml(const char *text, size_t size, xmlDoc **ret, char **ret_why) {
        const xmlError *err = NULL;
        xmlDoc *doc;

        if (memmem(text, size, "<!DOCTYPE", 9) || memmem(text, size, "<!ENTITY", 8))
                return (*ret_why = strdup("it declares a document type or entities, which firewalld's files never "
                                          "do; nothing in it was expanded or judged")) ? -EINVAL : -ENOMEM;
        if (size > INT32_MAX)
                return -EFBIG;
        doc = xmlReadMemory(text, (int) size, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
        if (!doc || doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
                const char *m = doc ? "no element" : (err = xmlGetLastError()) && err->message ? err->message : "";

                xmlFreeDoc(doc);
                /* libxml2's message ends in a newline */
                if (asprintf(ret_why, "it is not well-formed XML (line %d: %.*s)", !doc && err ? err->line : 0,
                             (int) strcspn(m, "\n"), m) < 0)
                        return -ENOMEM;
                return -EINVAL;
        }
        *ret = doc;
        return 0;
}

/* Adds to OPEN the judged ports in firewalld's "N" or "N-M" of a <port> or
 * <protocol> element N, when it is UDP. */
static void element_ports(const Judge *j, const xmlNode *n, FwPorts *open) {
        _cleanup_xml_ xmlChar *port = NULL;
        char *dash;
        long lo, hi;

        if (is_element(n, "protocol") && (prop_is(n, "value", "udp") || prop_is(n, "value", "17"))) {
                for (size_t i = 0; i < j->ports->n; i++)
                        fw_ports_add(open, j->ports->port[i]);
                return;
        }
        if (!is_element(n, "port") || !prop_is(n, "protocol", "udp"))
                return;
        port = xmlGetProp(n, (const xmlChar *) "port");
        if (!port)
                return;
        dash = strchr((char *) port, '-');
        if (dash)
                *dash++ = 0;
        if (safe_atol((char *) port, 1, 65535, &lo) < 0 || (dash ? safe_atol(dash, lo, 65535, &hi) : (hi = lo, 0)) < 0)
                return;
        for (size_t i = 0; i < j->ports->n; i++)
                if (j->ports->port[i] >= lo && j->ports->port[i] <= hi)
                        fw_ports_add(open, j->ports->port[i]);
}

static bool service_name_ok(const char *s) {
        return s[0] && s[0] != '.' && !strchr(s, '/') && strlen(s) < SERVICE_NAME_MAX;
}

/* Whether NAME is to be read now: not yet in SEEN (then added), and room left. */
static bool seen_add(Seen *seen, const char *name) {
        for (size_t i = 0; i < seen->n; i++)
                if (strcmp(seen->name[i], name) == 0)
                        return false;
        if (seen->n == SERVICES_PER_LOOKUP_MAX)
                return false;
        strcpy(seen->name[seen->n++], name); /* service_name_ok(): it fits */
        return true;
}

/* Adds to OPEN the judged UDP ports service NAME opens, with those of the
 * services it includes, each read once (SEEN). *RET_PATH: the file that
 * defined NAME. */
static int service_ports(const Judge *j, const char *name, Seen *seen, FwPorts *open, char **ret_path) {
        _cleanup_free_ char *text = NULL, *path = NULL, *why = NULL;
        _cleanup_(xmlFreeDocp) xmlDoc *doc = NULL;
        xmlNode *root;
        size_t size;
        int r;

        if (!service_name_ok(name) || !seen_add(seen, name))
                return 0;
        r = j->lookup(j->userdata, name, &text, &size, &path);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0; /* firewalld refuses a zone that names an unknown service */
        r = parse_xml(text, size, &doc, &why);
        if (r == -ENOMEM)
                return r;
        root = r < 0 ? NULL : xmlDocGetRootElement(doc);
        if (!root || !is_element(root, "service"))
                return fw_findings_add(j->out, FW_UNREADABLE, path, 0, false,
                                       "firewalld's service '%s' could not be read: %s", name,
                                       why ?: "its element is not <service>");
        for (xmlNode *n = root->children; n; n = n->next) {
                _cleanup_xml_ xmlChar *inc = NULL;

                element_ports(j, n, open);
                if (!is_element(n, "include") || !(inc = xmlGetProp(n, (const xmlChar *) "service")))
                        continue;
                r = service_ports(j, (const char *) inc, seen, open, NULL);
                if (r < 0)
                        return r;
        }
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return 0;
}

static void ports_text(const FwPorts *open, char *buf, size_t size) {
        size_t w = 0;

        buf[0] = 0;
        for (size_t i = 0; i < open->n && w < size; i++)
                w += snprintf(buf + w, size - w, "%s%d/udp", i ? ", " : "", open->port[i]);
}

/* "--zone=public" or "--policy=NAME": what firewall-cmd takes for J. */
#define FWCMD_WHERE(j) (strcmp((j)->kind, "zone") == 0 ? "--zone" : "--policy")

/* A <service>, <port> or <protocol> directly in the zone or policy. */
static int judge_element(const Judge *j, const xmlNode *n) {
        _cleanup_free_ char *defined_in = NULL;
        _cleanup_xml_ xmlChar *name = NULL, *port = NULL, *value = NULL;
        FwPorts open = {};
        char what[FW_PORTS_MAX * 12];
        unsigned line = (unsigned) xmlGetLineNo(n);
        int r;

        if (is_element(n, "service") && (name = xmlGetProp(n, (const xmlChar *) "name"))) {
                r = service_ports(j, (const char *) name, &(Seen) {}, &open, &defined_in);
                if (r < 0 || open.n == 0)
                        return r;
                ports_text(&open, what, sizeof what);
                return fw_findings_add(j->out, FW_OPENS_UDP, j->path, line, false,
                                       "firewalld %s '%s' enables service '%s', which opens %s (%s): remove it with "
                                       "'firewall-cmd --permanent %s=%s --remove-service=%s', add "
                                       "'--add-port=%d/tcp' if clients need TCP, and 'firewall-cmd --reload'",
                                       j->kind, j->name, name, what, defined_in ?: "its definition", FWCMD_WHERE(j),
                                       j->name, name, open.port[0]);
        }
        element_ports(j, n, &open);
        if (open.n == 0)
                return 0;
        ports_text(&open, what, sizeof what);
        if (is_element(n, "protocol"))
                return fw_findings_add(j->out, FW_OPENS_UDP, j->path, line, false,
                                       "firewalld %s '%s' accepts the udp protocol, every UDP port and so %s: "
                                       "remove it with 'firewall-cmd --permanent %s=%s --remove-protocol=%s' and "
                                       "'firewall-cmd --reload'",
                                       j->kind, j->name, what, FWCMD_WHERE(j), j->name,
                                       (value = xmlGetProp(n, (const xmlChar *) "value")) ? (char *) value : "udp");
        port = xmlGetProp(n, (const xmlChar *) "port");
        return fw_findings_add(j->out, FW_OPENS_UDP, j->path, line, false,
                               "firewalld %s '%s' opens port %s/udp, which lets %s in: remove it with "
                               "'firewall-cmd --permanent %s=%s --remove-port=%s/udp', add '--add-port=%s/tcp' if "
                               "clients need TCP, and 'firewall-cmd --reload'",
                               j->kind, j->name, port ? (char *) port : "?", what, FWCMD_WHERE(j), j->name,
                               port ? (char *) port : "?", port ? (char *) port : "?");
}

/* A rich rule: only one that accepts lets anything in. */
static int judge_rule(const Judge *j, const xmlNode *rule) {
        static const char *const matches[] = { "service", "port", "protocol", "icmp-block", "icmp-type",
                                                "masquerade", "forward-port", "source-port", "tcp-mss-clamp" };
        _cleanup_xml_ xmlChar *source = NULL;
        FwPorts open = {};
        char what[FW_PORTS_MAX * 12];
        bool accept = false, matches_something = false;
        int r;

        for (xmlNode *n = rule->children; n; n = n->next) {
                _cleanup_xml_ xmlChar *name = NULL;

                accept = accept || is_element(n, "accept");
                if (is_element(n, "source") && !source)
                        source = xmlGetProp(n, (const xmlChar *) "address") ?: xmlGetProp(n, (const xmlChar *) "ipset");
                for (size_t k = 0; k < sizeof matches / sizeof matches[0]; k++)
                        matches_something = matches_something || is_element(n, matches[k]);
                if (is_element(n, "service") && (name = xmlGetProp(n, (const xmlChar *) "name"))) {
                        r = service_ports(j, (const char *) name, &(Seen) {}, &open, NULL);
                        if (r < 0)
                                return r;
                }
                element_ports(j, n, &open);
        }
        if (!accept)
                return 0;
        if (!matches_something) /* a source alone: every packet from it */
                for (size_t i = 0; i < j->ports->n; i++)
                        fw_ports_add(&open, j->ports->port[i]);
        if (open.n == 0)
                return 0;
        ports_text(&open, what, sizeof what);
        return fw_findings_add(j->out, FW_OPENS_UDP, j->path, (unsigned) xmlGetLineNo(rule), false,
                               "firewalld %s '%s' has a rich rule that accepts %s%s%s%.128s: remove it with "
                               "'firewall-cmd --permanent %s=%s --remove-rich-rule=RULE', RULE as "
                               "'firewall-cmd --permanent %s=%s --list-rich-rules' prints it, then "
                               "'firewall-cmd --reload'",
                               j->kind, j->name, matches_something ? "" : "everything, so ", what,
                               source ? " from " : "", source ? (char *) source : "", FWCMD_WHERE(j), j->name,
                               FWCMD_WHERE(j), j->name);
}

/* A zone's or policy's target ACCEPT: everything that reaches it is let in. */
static int judge_target(const Judge *j, const xmlNode *root, bool policy) {
        bool bound = false;
        char what[FW_PORTS_MAX * 12];

        if (!prop_is(root, "target", "ACCEPT"))
                return 0;
        /* A zone with no interface and no source in its file gets traffic only
         * through NetworkManager or the default zone: firewalld's stock
         * "trusted" is that, and is not reported. */
        for (xmlNode *n = root->children; n && !policy; n = n->next)
                bound = bound || is_element(n, "interface") || is_element(n, "source");
        if (!policy && !bound)
                return 0;
        ports_text(j->ports, what, sizeof what);
        return fw_findings_add(j->out, FW_OPENS_UDP, j->path, (unsigned) xmlGetLineNo(root), false,
                               "firewalld %s '%s' has target ACCEPT, so it accepts every packet, %s too: set it "
                               "back with 'firewall-cmd --permanent %s=%s --set-target=%s' and 'firewall-cmd "
                               "--reload'",
                               j->kind, j->name, what, FWCMD_WHERE(j), j->name, policy ? "CONTINUE" : "default");
}

/* Whether policy ROOT filters traffic to this host (an egress zone HOST). */
static bool policy_to_host(const xmlNode *root) {
        for (xmlNode *n = root->children; n; n = n->next)
                if (is_element(n, "egress-zone") && prop_is(n, "name", "HOST"))
                        return true;
        return false;
}

int fw_firewalld_judge(const char *path, const char *text, size_t size, bool policy, const FwPorts *ports,
                       FwServiceLookup lookup, void *userdata, FwFindings *out) {
        _cleanup_(xmlFreeDocp) xmlDoc *doc = NULL;
        _cleanup_free_ char *why = NULL;
        Judge j = { .path = path, .kind = policy ? "policy" : "zone", .ports = ports, .lookup = lookup,
                    .userdata = userdata, .out = out };
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        size_t len = strlen(base);
        xmlNode *root;
        int r;

        if (len > 4 && strcmp(base + len - 4, ".xml") == 0)
                len -= 4;
        snprintf(j.name, sizeof j.name, "%.*s", (int) len, base);
        r = parse_xml(text, size, &doc, &why);
        if (r == -ENOMEM)
                return r;
        root = r < 0 ? NULL : xmlDocGetRootElement(doc);
        if (!root || !is_element(root, j.kind))
                return fw_findings_add(out, FW_UNREADABLE, path, 0, false, "firewalld %s '%s' could not be read: %s",
                                       j.kind, j.name, why ?: policy ? "its element is not <policy>" : "its element is not <zone>");
        if (policy && !policy_to_host(root))
                return 0;
        r = judge_target(&j, root, policy);
        for (xmlNode *n = root->children; r >= 0 && n; n = n->next)
                r = is_element(n, "rule") ? judge_rule(&j, n) : judge_element(&j, n);
        return r;
}
