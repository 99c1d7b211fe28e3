/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ServiceReport of service_report.h: its life cycle, notes, JSON and text. */
#include "service_report.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdlib.h>

#include "cleanup.h"
#include "json-util.h"
#include "util.h"
#include "service_manager.h"

const char *service_manager_to_string(const ServiceManagerOps *m) {
        return m ? m->name : "none";
}

const char *live_state_to_string(LiveState s) {
        switch (s) {
        case LIVE_HARDENED:
                return "hardened";
        case LIVE_EXPOSED:
                return "exposed";
        case LIVE_UNVERIFIED:
                return "unverified";
        default:
                return NULL;
        }
}

static void strv_free_n(char **v, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

void service_report_clear_listeners(ServiceReport *r) {
        strv_free_n(r->listeners, r->n_listeners);
        strv_free_n(r->bad_listeners, r->n_bad_listeners);
        r->listeners = r->bad_listeners = NULL;
        r->n_listeners = r->n_bad_listeners = 0;
}

void service_report_done(ServiceReport *r) {
        if (!r)
                return;
        free(r->unit);
        strv_free(r->exec_argv);
        free(r->active_state);
        free(r->sub_state);
        free(r->result);
        service_report_clear_listeners(r);
        free(r->stats_inter);
        free(r->message);
        free(r->output);
        *r = (ServiceReport) {};
}

void service_report_init(ServiceReport *r, const ServiceManagerOps *m) {
        service_report_done(r);
        r->manager = m;
        r->udp_sockets = -1;
        r->stats_udpport = -1;
        r->cache_items = r->cache_bytes = -1;
        r->restart_ms = -1;
}

void service_report_set_live(ServiceReport *r, LiveState state) {
        r->live_state = state;
        r->verified = state == LIVE_HARDENED || state == LIVE_EXPOSED;
        r->live_hardened = state == LIVE_HARDENED;
}

int service_report_note(ServiceReport *r, const char *fmt, ...) {
        _cleanup_free_ char *note = NULL;
        char *joined;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&note, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;

        if (!r->message) {
                r->message = TAKE_PTR(note);
                return 0;
        }
        if (asprintf(&joined, "%s; %s", r->message, note) < 0)
                return -ENOMEM;
        free(r->message);
        r->message = joined;
        return 0;
}

static struct json_object *json_strv(char **v, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; a && i < n; i++)
                json_object_array_add(a, json_object_new_string(v[i]));
        return a;
}

struct json_object *service_report_to_json(const ServiceReport *r) {
        struct json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "manager", json_object_new_string(service_manager_to_string(r->manager)));
        json_object_object_add(o, "unit", json_string_or_null(r->unit));
        json_object_object_add(o, "restarted", json_object_new_boolean(r->restarted));
        json_object_object_add(o, "was_active", json_object_new_boolean(r->was_active));
        json_object_object_add(o, "active", json_object_new_boolean(r->active));
        json_object_object_add(o, "need_reload", json_object_new_boolean(r->need_reload));
        json_object_object_add(o, "active_state", json_string_or_null(r->active_state));
        json_object_object_add(o, "sub_state", json_string_or_null(r->sub_state));
        json_object_object_add(o, "result", json_string_or_null(r->result));
        json_object_object_add(o, "main_pid_before",
                               r->main_pid_before > 0 ? json_object_new_int(r->main_pid_before) : NULL);
        json_object_object_add(o, "main_pid_after",
                               r->main_pid_after > 0 ? json_object_new_int(r->main_pid_after) : NULL);
        json_object_object_add(o, "udp_sockets",
                               r->udp_sockets >= 0 ? json_object_new_int64(r->udp_sockets) : NULL);
        json_object_object_add(o, "listeners", json_strv(r->listeners, r->n_listeners));
        json_object_object_add(o, "bad_listeners", json_strv(r->bad_listeners, r->n_bad_listeners));
        json_object_object_add(o, "stats_udpport",
                               r->stats_udpport >= 0 ? json_object_new_int64(r->stats_udpport) : NULL);
        json_object_object_add(o, "cache_items", r->cache_items >= 0 ? json_object_new_int64(r->cache_items) : NULL);
        json_object_object_add(o, "cache_bytes", r->cache_bytes >= 0 ? json_object_new_int64(r->cache_bytes) : NULL);
        json_object_object_add(o, "stats_inter", json_string_or_null(r->stats_inter));
        json_object_object_add(o, "verified", json_object_new_boolean(r->verified));
        json_object_object_add(o, "live_hardened", json_object_new_boolean(r->live_hardened));
        json_object_object_add(o, "live_state", json_string_or_null(live_state_to_string(r->live_state)));
        json_object_object_add(o, "unix_socket", json_object_new_boolean(r->unix_socket));
        json_object_object_add(o, "restart_ms",
                               r->restart_ms >= 0 ? json_object_new_int64(r->restart_ms) : NULL);
        json_object_object_add(o, "message", json_string_or_null(r->message));
        json_object_object_add(o, "output", json_string_or_null(r->output));
        return o;
}

void service_report_print(FILE *f, const ServiceReport *r) {
        fprintf(f, "service: %s", service_manager_to_string(r->manager));
        if (r->unit)
                fprintf(f, " %s", r->unit);
        if (r->restarted) {
                fprintf(f, ", restarted");
                if (r->main_pid_before > 0 || r->main_pid_after > 0)
                        fprintf(f, " (pid %d -> %d)", (int) r->main_pid_before, (int) r->main_pid_after);
                if (r->restart_ms >= 0)
                        fprintf(f, " in %ld ms", r->restart_ms);
        }
        /* Only a manager that tracks the daemon can say. */
        if (r->manager && r->manager->tracks_daemon)
                fprintf(f, ", %s", r->active ? "running" : "not running");
        if (r->active_state)
                fprintf(f, " (%s/%s)", r->active_state, r->sub_state ?: "-");
        fputc('\n', f);

        if (r->live_state == LIVE_UNVERIFIED)
                fprintf(f, "live: could not verify: no socket of the daemon found; NOT hardened\n");
        else if (r->verified) {
                fprintf(f, "live: %ld UDP socket%s, TCP listeners:", r->udp_sockets, r->udp_sockets == 1 ? "" : "s");
                if (r->n_listeners == 0)
                        fprintf(f, r->unix_socket ? " none (a unix socket only)" : " none");
                for (size_t i = 0; i < r->n_listeners; i++)
                        fprintf(f, " %s", r->listeners[i]);
                if (r->stats_udpport >= 0)
                        fprintf(f, "; stats settings: udpport %ld, inter %s", r->stats_udpport, r->stats_inter ?: "?");
                fprintf(f, "; %s\n", r->live_hardened ? "hardened" : "NOT hardened");
        }
        if (r->message)
                fprintf(f, "note: %s\n", r->message);
}
