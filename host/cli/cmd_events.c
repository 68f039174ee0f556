/* trajcorr events STORE -o PREFIX: loitering, AIS gaps and dark rendezvous
 * (spec/events.md) from a track store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/backend.h"
#include "host/cli/args.h"
#include "host/cli/commands.h"
#include "host/engine/engine.h"
#include "host/events/events.h"
#include "host/report/encounters_csv.h"
#include "host/report/events_csv.h"
#ifdef TRAJCORR_HAVE_OPENCL
#include "host/opencl/cl_dark.h"
#endif
#include "io/store.h"
#include "io/timefmt.h"

static void usage(FILE *f) {
  fprintf(f,
          "usage: trajcorr events STORE -o PREFIX [--kinds loitering,gaps,dark] [options]\n"
          "Behaviour events (spec/events.md): writes PREFIX.loitering.csv, PREFIX.gaps.csv,\n"
          "PREFIX.dark.csv (those of --kinds) and PREFIX.events.json (parameters, counts).\n\n"
          "  -o, --output PREFIX      output prefix (required)\n"
          "      --kinds LIST         comma-separated: loitering, gaps, dark [all three]\n"
          "      --format F           csv, geojson or kml (PREFIX.KIND.geojson, .kml) [csv]\n"
          "      --encounters FILE    also write the encounters CSV (spec/encounters.md, these\n"
          "                           --slot/--max-gap/--max-implied-speed, other parameters at\n"
          "                           their defaults), found in the same read as loitering and gaps\n"
          "Spec parameters (defaults in brackets; durations take s/m/h/d suffixes):\n"
          "      --loiter-speed KN    slot speed below which a vessel loiters [2]\n"
          "      --min-loiter D       shortest loitering event [14400]\n"
          "      --min-gap D          shortest AIS gap reported [43200]\n"
          "      --dark-min-gap D     shortest gap that may hide a rendezvous [21600]\n"
          "      --dark-min-overlap D both vessels dark together at least this long [14400]\n"
          "      --dark-max-speed KN  fastest a dark vessel is assumed to move [12]\n"
          "      --dark-dwell D       how long a hidden meeting must be able to last [7200]\n"
          "      --coverage-radius M  radius of reception evidence, metres [50000]\n"
          "      --coverage-window D  time window of the coverage fraction [3600]\n"
          "      --dark-min-coverage F  least coverage of each dark vessel, 0 disables [0.5]\n"
          "Shared with encounters (spec/encounters.md):\n"
          "      --slot D, --max-gap D, --max-implied-speed KN   [600, 3600, 50]\n"
          "Places (a place column after the spec's; dark rendezvous ranked, those at a place last):\n"
          "      --ports FILE         ports or anchorages, CSV name,lat,lon (outputs.md)\n"
          "      --port-radius M      an event this close to a place's edge is at it [4000]\n"
          "      --no-anchorages      do not derive anchorages from STORE (with no --ports:\n"
          "                           the spec's columns only)\n"
          "Execution:\n"
          "      --threads N          CPU threads of the dark rendezvous search\n"
          "      --backend B          openmp|opencl: where L* of the dark pairs is maximised [openmp]\n"
          "      --platform N, --device N, --device-type gpu|cpu|any   OpenCL device\n"
          "  -q, --quiet              no summary on stderr\n");
}

typedef struct {
  const char *out, *store;
  tc_params p;
  tc_event_params e;
  int quiet;
  int opencl, platform, device, device_type;
  const char *ports;
  double port_radius;
  int anchorages;
  int format; /* TC_EV_FORMAT_* */
  const char *encounters; /* also write the encounter list here */
} opts;

static int parse_kinds(const char *s, unsigned *k) {
  *k = 0;
  while (*s) {
    size_t n = strcspn(s, ",");
    if (n == 9 && !strncmp(s, "loitering", n))
      *k |= TC_EV_LOITER;
    else if (n == 4 && !strncmp(s, "gaps", n))
      *k |= TC_EV_GAPS;
    else if (n == 4 && !strncmp(s, "dark", n))
      *k |= TC_EV_DARK;
    else
      return 0;
    s += n + (s[n] == ',');
  }
  return *k != 0;
}

/* Every option in one place (returns -1 to go on, else the exit status). */
static int parse_options(int argc, char **argv, opts *o) {
  enum { O_KINDS = 256, O_LSPEED, O_MINLOITER, O_MINGAP, O_DMINGAP, O_DOVER, O_DSPEED, O_DWELL,
         O_CRADIUS, O_CWINDOW, O_DCOV, O_SLOT, O_MAXGAP, O_MIS, O_THREADS, O_BACKEND, O_PLATFORM,
         O_DEVICE, O_DEVTYPE, O_PORTS, O_PRADIUS, O_NOANCH, O_FORMAT, O_ENC };
  static const struct option lo[] = {
      {"output", required_argument, 0, 'o'}, {"kinds", required_argument, 0, O_KINDS},
      {"format", required_argument, 0, O_FORMAT}, {"encounters", required_argument, 0, O_ENC},
      {"loiter-speed", required_argument, 0, O_LSPEED}, {"min-loiter", required_argument, 0, O_MINLOITER},
      {"min-gap", required_argument, 0, O_MINGAP}, {"dark-min-gap", required_argument, 0, O_DMINGAP},
      {"dark-min-overlap", required_argument, 0, O_DOVER}, {"dark-max-speed", required_argument, 0, O_DSPEED},
      {"dark-dwell", required_argument, 0, O_DWELL}, {"coverage-radius", required_argument, 0, O_CRADIUS},
      {"coverage-window", required_argument, 0, O_CWINDOW},
      {"dark-min-coverage", required_argument, 0, O_DCOV}, {"slot", required_argument, 0, O_SLOT},
      {"max-gap", required_argument, 0, O_MAXGAP}, {"max-implied-speed", required_argument, 0, O_MIS},
      {"threads", required_argument, 0, O_THREADS}, {"backend", required_argument, 0, O_BACKEND},
      {"platform", required_argument, 0, O_PLATFORM}, {"device", required_argument, 0, O_DEVICE},
      {"device-type", required_argument, 0, O_DEVTYPE}, {"ports", required_argument, 0, O_PORTS},
      {"port-radius", required_argument, 0, O_PRADIUS}, {"no-anchorages", no_argument, 0, O_NOANCH},
      {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
  tc_params_default(&o->p);
  tc_event_params_default(&o->e);
  o->out = NULL;
  o->quiet = 0;
  o->opencl = 0;
  o->platform = o->device = -1;
  o->device_type = 0;
  o->ports = NULL;
  o->port_radius = 4000.0;
  o->anchorages = 1;
  o->format = TC_EV_FORMAT_CSV;
  o->encounters = NULL;
  optind = 1;
  int c, ok = 1, li = -1;
  long l;
  while (ok && (c = getopt_long(argc, argv, "o:qh", lo, &li)) != -1) {
    switch (c) {
    case 'o': o->out = optarg; break;
    case O_KINDS: ok = parse_kinds(optarg, &o->e.kinds); break;
    case O_LSPEED: ok = tc_arg_double(optarg, &o->e.loiter_speed_kn); break;
    case O_MINLOITER: ok = tc_arg_duration(optarg, &o->e.min_loiter); break;
    case O_MINGAP: ok = tc_arg_duration(optarg, &o->e.min_gap); break;
    case O_DMINGAP: ok = tc_arg_duration(optarg, &o->e.dark_min_gap); break;
    case O_DOVER: ok = tc_arg_duration(optarg, &o->e.dark_min_overlap); break;
    case O_DSPEED: ok = tc_arg_double(optarg, &o->e.dark_max_speed_kn); break;
    case O_DWELL: ok = tc_arg_duration(optarg, &o->e.dark_dwell); break;
    case O_CRADIUS: ok = tc_arg_double(optarg, &o->e.coverage_radius_m); break;
    case O_CWINDOW: ok = tc_arg_duration(optarg, &o->e.coverage_window); break;
    case O_DCOV: ok = tc_arg_double(optarg, &o->e.dark_min_coverage); break;
    case O_SLOT: ok = tc_arg_duration(optarg, &o->p.slot); break;
    case O_MAXGAP: ok = tc_arg_duration(optarg, &o->p.max_gap); break;
    case O_MIS: ok = tc_arg_double(optarg, &o->p.max_implied_speed_kn); break;
    case O_THREADS: ok = tc_arg_long(optarg, 1, 4096, &l); o->p.threads = (int)l; break;
    case O_BACKEND:
      ok = !strcmp(optarg, "openmp") || !strcmp(optarg, "auto") || !strcmp(optarg, "opencl");
      o->opencl = !strcmp(optarg, "opencl");
      break;
    case O_FORMAT:
      ok = !strcmp(optarg, "csv") || !strcmp(optarg, "geojson") || !strcmp(optarg, "kml");
      o->format = !strcmp(optarg, "geojson") ? TC_EV_FORMAT_GEOJSON
                  : !strcmp(optarg, "kml")   ? TC_EV_FORMAT_KML
                                             : TC_EV_FORMAT_CSV;
      break;
    case O_ENC: o->encounters = optarg; break;
    case O_PORTS: o->ports = optarg; break;
    case O_PRADIUS: ok = tc_arg_double(optarg, &o->port_radius) && o->port_radius >= 0; break;
    case O_NOANCH: o->anchorages = 0; break;
    case O_PLATFORM: ok = tc_arg_long(optarg, 0, 64, &l); o->platform = (int)l; break;
    case O_DEVICE: ok = tc_arg_long(optarg, 0, 64, &l); o->device = (int)l; break;
    case O_DEVTYPE:
      ok = !strcmp(optarg, "any") || !strcmp(optarg, "gpu") || !strcmp(optarg, "cpu");
      o->device_type = !strcmp(optarg, "gpu") ? 1 : !strcmp(optarg, "cpu") ? 2 : 0;
      break;
    case 'q': o->quiet = 1; break;
    case 'h': usage(stdout); return 0;
    default: usage(stderr); return 2;
    }
    if (!ok) {
      fprintf(stderr, "trajcorr events: invalid value for --%s: '%s'\n", li >= 0 ? lo[li].name : "?", optarg);
      return 2;
    }
  }
  if (optind != argc - 1 || !o->out) {
    usage(stderr);
    return 2;
  }
  o->store = argv[optind];
#ifndef TRAJCORR_HAVE_OPENCL
  if (o->opencl) {
    fprintf(stderr, "trajcorr events: --backend opencl: this build has no OpenCL\n");
    return 2;
  }
#endif
  tc_err err = {0};
  if (tc_params_check(&o->p, &err) != TC_OK || tc_event_params_check(&o->e, &err) != TC_OK) {
    fprintf(stderr, "trajcorr events: %s\n", err.msg);
    return 2;
  }
  return -1;
}

/* A JSON string (quoted, escaped); NULL as null. */
static void json_str(FILE *m, const char *s) {
  if (!s) {
    fputs("null", m);
    return;
  }
  fputc('"', m);
  for (const char *c = s; *c; c++)
    if (*c == '"' || *c == '\\')
      fprintf(m, "\\%c", *c);
    else if ((unsigned char)*c < 0x20)
      fprintf(m, "\\u%04x", *c);
    else
      fputc(*c, m);
  fputc('"', m);
}

static void write_json(FILE *m, const opts *o, const tc_store_info *info, const tc_event_lists *l,
                       const tc_event_stats *st, size_t encounters, size_t nplaces) {
  const tc_params *p = &o->p;
  const tc_event_params *e = &o->e;
  char a[TC_ISO_LEN], b[TC_ISO_LEN];
  tc_time_format_iso(info->t_min, a);
  tc_time_format_iso(info->t_max, b);
  fprintf(m, "{\n  \"program\": \"trajcorr\", \"version\": \"%s\", \"command\": \"events\",\n",
          TRAJCORR_VERSION);
  fputs("  \"store\": ", m);
  json_str(m, o->store);
  fprintf(m, ",\n  \"input\": {\"rows\": %llu, \"vessels\": %llu, \"buckets\": %zu, "
             "\"bucket_s\": %lld, \"t_min\": \"%s\", \"t_max\": \"%s\"},\n",
          (unsigned long long)info->rows, (unsigned long long)info->vessels, info->nbuckets,
          (long long)info->bucket_s, a, b);
  fprintf(m,
          "  \"parameters\": {\"slot\": %lld, \"max_gap\": %lld, \"max_implied_speed_kn\": %.17g, "
          "\"loiter_speed_kn\": %.17g, \"min_loiter\": %lld, \"min_gap\": %lld, \"dark_min_gap\": %lld, "
          "\"dark_min_overlap\": %lld, \"dark_max_speed_kn\": %.17g, \"dark_dwell\": %lld, "
          "\"coverage_radius_m\": %.17g, \"coverage_window\": %lld, \"dark_min_coverage\": %.17g, "
          "\"kinds\": [%s%s%s%s%s]},\n  \"dark_backend\": \"%s\",\n"
          "  \"places\": {\"ports\": ",
          (long long)p->slot, (long long)p->max_gap, p->max_implied_speed_kn, e->loiter_speed_kn,
          (long long)e->min_loiter, (long long)e->min_gap, (long long)e->dark_min_gap,
          (long long)e->dark_min_overlap, e->dark_max_speed_kn, (long long)e->dark_dwell,
          e->coverage_radius_m, (long long)e->coverage_window, e->dark_min_coverage,
          e->kinds & TC_EV_LOITER ? "\"loitering\"" : "",
          (e->kinds & TC_EV_LOITER) && (e->kinds & (TC_EV_GAPS | TC_EV_DARK)) ? ", " : "",
          e->kinds & TC_EV_GAPS ? "\"gaps\"" : "", (e->kinds & TC_EV_GAPS) && (e->kinds & TC_EV_DARK) ? ", " : "",
          e->kinds & TC_EV_DARK ? "\"dark\"" : "", o->opencl ? "opencl" : "openmp");
  json_str(m, o->ports);
  fprintf(m, ", \"anchorages_from_store\": %s, \"count\": %zu, \"port_radius_m\": %.17g},\n",
          o->anchorages ? "true" : "false", nplaces, o->port_radius);
  fprintf(m,
          "  \"counts\": {\"fixes_read\": %llu, \"teleport_dropped\": %llu, \"grid_positions\": %llu, "
          "\"loitering\": %zu, \"gaps\": %zu, \"dark_gaps\": %llu, \"dark_overlapping_pairs\": %llu, "
          "\"dark_reach_pairs\": %llu, \"dark_covered_pairs\": %llu, \"encounters\": %zu, "
          "\"dark_left_as_encounters\": %llu, \"dark\": %zu},\n",
          (unsigned long long)st->fixes_read, (unsigned long long)st->teleport_dropped,
          (unsigned long long)st->grid_positions, l->n_loiter, l->n_gaps,
          (unsigned long long)st->dark_gaps, (unsigned long long)st->dark_overlaps,
          (unsigned long long)st->dark_boxes, (unsigned long long)st->dark_covered, encounters,
          (unsigned long long)st->dark_encounters, l->n_dark);
  fprintf(m, "  \"seconds\": {\"pass1\": %.3f, \"pass2\": %.3f, \"dark\": %.3f}\n}\n", st->t_pass1,
          st->t_pass2, st->t_dark);
}

int cmd_events(int argc, char **argv) {
  double t_start = tc_cli_now();
  opts o;
  int rc = parse_options(argc, argv, &o);
  if (rc >= 0)
    return rc;
  rc = 1;
  tc_err err = {0};
  tc_store *store = NULL;
  tc_event_lists l;
  tc_event_lists_init(&l);
  tc_encounter_list enc;
  tc_encounter_list_init(&enc);
  tc_events *ev = NULL;
  tc_columns cols;
  tc_columns_init(&cols);
  tc_event_stats st;
  char *json = NULL;
  size_t jlen = 0;
  tc_dark_maximiser dev = {NULL, NULL};
  tc_places *places = NULL, *ports = NULL;
  tc_event_places ep;
  memset(&ep, 0, sizeof ep);
#ifdef TRAJCORR_HAVE_OPENCL
  tc_cl_dark *cl = NULL;
#endif
  tc_status s = tc_store_open(o.store, &store, &err);
  if (s != TC_OK)
    goto fail;
#ifdef TRAJCORR_HAVE_OPENCL
  if (o.opencl && (o.e.kinds & TC_EV_DARK)) {
    if ((s = tc_cl_dark_create(o.platform, o.device, o.device_type, &cl, &err)) != TC_OK)
      goto fail;
    dev = (tc_dark_maximiser){tc_cl_dark_run, cl};
    o.e.dark_device = &dev;
  }
#endif
  /* Pass 1 rides along the read that finds the encounters, which the dark rule needs
   * (spec §3: a pair seen together is an encounter, not dark); pass 2 reads again. */
  tc_store_source_ctx c1, c2;
  tc_bucket_source s1 = tc_store_source(&c1, store), s2 = tc_store_source(&c2, store);
  c1.threads = tc_params_threads(&o.p);
  if ((s = tc_events_create(&o.p, &o.e, &ev, &err)) != TC_OK)
    goto fail;
  if ((o.e.kinds & TC_EV_DARK) || o.encounters) {
    tc_events_tee_ctx tctx;
    tc_bucket_source tee = tc_events_tee(&tctx, &s1, ev);
    tc_backend_config cfg = {0};
    cfg.platform = cfg.device = -1;
    tc_engine_stats est;
    if ((s = tc_encounters_run(&tee, &o.p, tc_backend_find("openmp"), &cfg, &enc, &est, &err)) != TC_OK)
      goto fail;
  } else {
    for (;;) {
      int64_t t_end;
      int eof = 0;
      if ((s = s1.next(s1.ctx, &cols, &t_end, &eof, &err)) != TC_OK)
        goto fail;
      if (eof)
        break;
      if ((s = tc_events_feed(ev, &cols, &err)) != TC_OK)
        goto fail;
    }
  }
  if ((s = tc_events_finish(ev, &s2, &enc, &l, &st, &err)) != TC_OK)
    goto fail;
  if (o.encounters && (s = tc_encounters_csv_write(o.encounters, &enc, &err)) != TC_OK)
    goto fail;
  if (o.ports || o.anchorages) {
    if (tc_places_create(&places) != TC_OK) {
      s = tc_fail(&err, TC_ERR_NOMEM, "out of memory");
      goto fail;
    }
    if (o.ports && ((s = tc_places_create(&ports)) != TC_OK ||
                    (s = tc_places_load(ports, o.ports, &err)) != TC_OK))
      goto fail;
    for (size_t i = 0; ports && i < tc_places_count(ports); i++)
      if ((s = tc_places_add(places, tc_places_get(ports, i))) != TC_OK)
        goto fail;
    if (o.anchorages && (s = tc_store_anchorages(store, ports, places, &err)) != TC_OK)
      goto fail;
    if ((s = tc_event_places_compute(places, o.port_radius, &l, &ep, &err)) != TC_OK)
      goto fail;
  }
  FILE *m = open_memstream(&json, &jlen);
  if (!m) {
    s = tc_fail(&err, TC_ERR_NOMEM, "out of memory");
    goto fail;
  }
  write_json(m, &o, tc_store_get_info(store), &l, &st, enc.n, places ? tc_places_count(places) : 0);
  fclose(m);
  if ((s = tc_events_write(o.out, o.e.kinds, o.format, &l, o.e.dark_dwell, places ? &ep : NULL, json, jlen,
                           &err)) != TC_OK)
    goto fail;
  if (!o.quiet)
    fprintf(stderr,
            "trajcorr events: %llu fixes (%llu dropped by the teleport filter): %zu loitering, %zu gaps, "
            "%zu dark rendezvous (of %llu overlapping gap pairs) -> %s.*\n",
            (unsigned long long)st.fixes_read, (unsigned long long)st.teleport_dropped, l.n_loiter,
            l.n_gaps, l.n_dark, (unsigned long long)st.dark_overlaps, o.out);
  rc = 0;
  goto done;
fail:
  fprintf(stderr, "trajcorr events: %s\n", err.msg[0] ? err.msg : tc_status_name(s));
done:
  free(json);
  tc_event_lists_free(&l);
  tc_encounter_list_free(&enc);
  tc_events_free(ev);
  tc_columns_free(&cols);
  tc_event_places_free(&ep);
  tc_places_free(places);
  tc_places_free(ports);
  tc_store_close(store);
#ifdef TRAJCORR_HAVE_OPENCL
  tc_cl_dark_free(cl);
#endif
  if (!o.quiet)
    tc_cli_closing_line("trajcorr events", t_start);
  return rc;
}
