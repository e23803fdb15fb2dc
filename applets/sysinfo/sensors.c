/* sysinfo sensors: temperatures, fans, battery. */
#include "sysinfo.h"

/* Read <sys>/class/D/E/F as a number; -1 if absent. */
static int
sys_num(const char *dir, const char *ent, const char *file, int64_t *v)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "class/%s/%s/%s", dir, ent, file);
	return proc_read_i64(sys_root(), rel, v);
}

static int
sys_str(const char *dir, const char *ent, const char *file, char *buf,
    size_t len)
{
	char rel[512];

	snprintf(rel, sizeof(rel), "class/%s/%s/%s", dir, ent, file);
	return proc_read_str(sys_root(), rel, buf, len);
}

/* One temperature or fan reading. */
struct hwsens {
	char	 chip[64];	/* hwmon name, or the thermal zone's type */
	char	 id[64];	/* chip label for Prometheus: unique */
	char	 sensor[32];	/* temp1, fan2, or the zone number */
	char	 label[128];
	double	 current, high, crit;
	int	 has_high, has_crit, zone;
};

struct sensors {
	struct hwsens *s;
	int	 n, cap;
	int	 ntemp;		/* the first ntemp are temperatures, then fans */
};

static struct hwsens *
sensors_add(struct sensors *ss)
{
	struct hwsens *n;

	if (ss->n == ss->cap) {
		int cap = ss->cap ? ss->cap * 2 : 16;

		if ((n = reallocarray(ss->s, (size_t)cap, sizeof(*n))) == NULL)
			return NULL;
		ss->s = n;
		ss->cap = cap;
	}
	n = &ss->s[ss->n++];
	memset(n, 0, sizeof(*n));
	return n;
}

/* One hwmon chip's temp*_input or fan*_input, as psutil reads them.
 * Returns how many input files there were (read or not). */
static int
hwmon_chip(struct sensors *ss, const char *dir, const char *chip,
    const char *id, int fan)
{
	const char *kind = fan ? "fan" : "temp";
	struct hwsens *h;
	char f[64];
	int64_t v;
	int k, seen = 0;

	for (k = 1; k < 64; k++) {
		snprintf(f, sizeof(f), "%s%d_input", kind, k);
		if (sys_num("hwmon", dir, f, &v) != 0) {
			seen += errno != ENOENT;
			continue;
		}
		seen++;
		if ((h = sensors_add(ss)) == NULL)
			break;
		snprintf(h->chip, sizeof(h->chip), "%s", chip);
		snprintf(h->id, sizeof(h->id), "%s", id);
		snprintf(h->sensor, sizeof(h->sensor), "%s%d", kind, k);
		h->current = fan ? (double)v : v / 1000.0;
		snprintf(f, sizeof(f), "%s%d_label", kind, k);
		if (sys_str("hwmon", dir, f, h->label, sizeof(h->label)) != 0)
			h->label[0] = '\0';
		if (fan)
			continue;
		snprintf(f, sizeof(f), "temp%d_max", k);
		if (sys_num("hwmon", dir, f, &v) == 0) {
			h->high = v / 1000.0;
			h->has_high = 1;
		}
		snprintf(f, sizeof(f), "temp%d_crit", k);
		if (sys_num("hwmon", dir, f, &v) == 0) {
			h->crit = v / 1000.0;
			h->has_crit = 1;
		}
	}
	return seen;
}

/* Thermal zones, which psutil reads only when hwmon has no temperature:
 * the zone's type is the chip, its "critical" and "high" trip points. */
static void
thermal_zones(struct sensors *ss)
{
	char **tz = NULL;
	int n, i, k;

	n = si_sys_list_class("thermal", &tz);
	for (i = 0; i < n; i++) {
		struct hwsens *h;
		int64_t v;

		if (tz[i] == NULL || !si_numbered(tz[i], "thermal_zone") ||
		    sys_num("thermal", tz[i], "temp", &v) != 0 ||
		    (h = sensors_add(ss)) == NULL)
			continue;
		h->current = v / 1000.0;
		h->zone = (int)strtol(tz[i] + strlen("thermal_zone"), NULL, 10);
		if (sys_str("thermal", tz[i], "type", h->chip, sizeof(h->chip)) != 0)
			snprintf(h->chip, sizeof(h->chip), "%s", tz[i]);
		snprintf(h->sensor, sizeof(h->sensor), "%d", h->zone);
		for (k = 0; k < 32; k++) {
			char f[64], type[32];

			snprintf(f, sizeof(f), "trip_point_%d_type", k);
			if (sys_str("thermal", tz[i], f, type, sizeof(type)) != 0)
				break;
			snprintf(f, sizeof(f), "trip_point_%d_temp", k);
			if (sys_num("thermal", tz[i], f, &v) != 0)
				continue;
			if (strcmp(type, "critical") == 0) {
				h->crit = v / 1000.0;
				h->has_crit = 1;
			} else if (strcmp(type, "high") == 0) {
				h->high = v / 1000.0;
				h->has_high = 1;
			}
		}
	}
	free(tz);
}

/* node_exporter's cleanMetricName: lower case, [^a-z0-9:_] to '_', no
 * '_' at either end. */
static void
prom_clean(char *dst, size_t len, const char *s, size_t n)
{
	size_t i, k = 0;

	while (n > 0 && s[n - 1] == '\n')
		n--;
	for (i = 0; i < n && k + 1 < len; i++) {
		char ch = s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == ':'))
			ch = '_';
		dst[k++] = ch;
	}
	while (k > 0 && dst[k - 1] == '_')
		k--;
	dst[k] = '\0';
	for (i = 0; dst[i] == '_'; i++)
		;
	memmove(dst, dst + i, k - i + 1);
}

/*
 * The chip label node_exporter gives a hwmon directory: from the device it
 * belongs to, "<bus dir>_<device>" (pci0000:00_0000:00:18_3,
 * platform_coretemp_0), stable where hwmonN is not; else its name file;
 * else hwmonN.  All cleaned as metric names.
 */
static void
hwmon_id(const char *hw, const char *name, char *id, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], dev[256], type[256], *slash;

	id[0] = '\0';
	snprintf(path, sizeof(path), "%s/class/hwmon/%s/device", sys_root(),
	    hw);
	if (realpath(path, real) != NULL &&
	    (slash = strrchr(real, '/')) != NULL) {
		prom_clean(dev, sizeof(dev), slash + 1, strlen(slash + 1));
		*slash = '\0';
		slash = strrchr(real, '/');
		prom_clean(type, sizeof(type), slash != NULL ? slash + 1 : "",
		    slash != NULL ? strlen(slash + 1) : 0);
		/* a label cut short is still a label: keep what fits */
		if (dev[0] != '\0' && type[0] != '\0' &&
		    (size_t)snprintf(id, len, "%s_%s", type, dev) >= len)
			id[len - 1] = '\0';
		else if (dev[0] != '\0' && type[0] == '\0' &&
		    (size_t)snprintf(id, len, "%s", dev) >= len)
			id[len - 1] = '\0';
	}
	if (id[0] == '\0' && name != NULL)
		prom_clean(id, len, name, strlen(name));
	if (id[0] == '\0')
		prom_clean(id, len, hw, strlen(hw));
}

/* Temperatures (hwmon, else thermal zones), then fans, as psutil's
 * sensors_temperatures() and sensors_fans(). */
static void
sensors_read(struct sensors *ss, int *zones)
{
	struct { char chip[64], id[64]; } *names = NULL;
	char **hw = NULL, id[64];
	int n, i, j, ntemp = 0, named;

	n = si_sys_list_class("hwmon", &hw);
	/* each chip's name and Prometheus label, worked out once for both
	 * passes (temperatures, then fans) */
	if (n > 0 && (names = calloc((size_t)n, sizeof(*names))) == NULL)
		n = 0;
	for (i = 0; i < n; i++) {
		if (hw[i] == NULL)
			continue;
		named = sys_str("hwmon", hw[i], "name", names[i].chip,
		    sizeof(names[i].chip)) == 0;
		if (!named)
			snprintf(names[i].chip, sizeof(names[i].chip), "%s", hw[i]);
		hwmon_id(hw[i], named ? names[i].chip : NULL, names[i].id,
		    sizeof(names[i].id));
		ntemp += hwmon_chip(ss, hw[i], names[i].chip, names[i].id, 0);
	}
	*zones = ntemp == 0;
	if (*zones)
		thermal_zones(ss);
	ss->ntemp = ss->n;
	for (i = 0; i < n; i++)
		if (hw[i] != NULL)
			hwmon_chip(ss, hw[i], names[i].chip, names[i].id, 1);
	free(names);
	free(hw);
	/* two chips of one name (two NVMe drives) keep apart in Prometheus */
	for (i = 0; i < ss->n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(ss->s[i].id, ss->s[j].id) == 0 &&
			    strcmp(ss->s[i].sensor, ss->s[j].sensor) == 0) {
				snprintf(id, sizeof(id), "%.40s_%d", ss->s[i].id, i);
				memcpy(ss->s[i].id, id, sizeof(id));
				break;
			}
}

static void
sensors_rep(struct rep *arr, const struct hwsens *h, int fan)
{
	struct rep *e = rep_obj(arr, NULL);

	rep_str(e, "chip", h->chip);
	rep_str(e, "label", h->label);
	rep_f64(e, "current", h->current, fan ? UNIT_NONE : UNIT_CELSIUS);
	if (fan)
		return;
	if (h->has_high)
		rep_f64(e, "high", h->high, UNIT_CELSIUS);
	else
		rep_null(e, "high", "not reported");
	if (h->has_crit)
		rep_f64(e, "critical", h->crit, UNIT_CELSIUS);
	else
		rep_null(e, "critical", "not reported");
}

/* node_exporter's families: hwmon temperatures and fans by chip and
 * sensor (temp1, fan1) with the labels apart, thermal zones by type and
 * zone. */
static void
sensors_prom(struct ctx *c, const struct sensors *ss, int zones)
{
	const struct hwsens *h;
	char zone[16];
	int i;

	/* each hwmon chip once, with its human-readable name */
	for (i = 0; i < ss->n; i++) {
		char name[64];
		int j;

		h = &ss->s[i];
		if (zones && i < ss->ntemp)
			continue;
		for (j = 0; j < i; j++)
			if (!(zones && j < ss->ntemp) &&
			    strcmp(ss->s[j].id, h->id) == 0)
				break;
		prom_clean(name, sizeof(name), h->chip, strlen(h->chip));
		if (j < i || name[0] == '\0')
			continue;
		prom_family(&c->prom, "node_hwmon_chip_names", "gauge",
		    "Annotation metric for human-readable chip names");
		prom_sample(&c->prom, "node_hwmon_chip_names", 1, "chip", h->id,
		    "chip_name", name, NULL);
	}
	if (!zones && ss->ntemp > 0)
		prom_family(&c->prom, "node_hwmon_temp_celsius", "gauge",
		    "Hardware monitor for temperature (input)");
	for (i = 0; i < ss->ntemp && !zones; i++)
		prom_sample(&c->prom, "node_hwmon_temp_celsius",
		    ss->s[i].current, "chip", ss->s[i].id, "sensor",
		    ss->s[i].sensor, NULL);
	/* the limits node_exporter exports beside them (temp*_crit, _max),
	 * what alerts compare the temperature with */
	for (i = 0; i < ss->ntemp && !zones; i++) {
		h = &ss->s[i];
		if (!h->has_crit)
			continue;
		prom_family(&c->prom, "node_hwmon_temp_crit_celsius", "gauge",
		    "Hardware monitor for temperature (crit)");
		prom_sample(&c->prom, "node_hwmon_temp_crit_celsius", h->crit,
		    "chip", h->id, "sensor", h->sensor, NULL);
	}
	for (i = 0; i < ss->ntemp && !zones; i++) {
		h = &ss->s[i];
		if (!h->has_high)
			continue;
		prom_family(&c->prom, "node_hwmon_temp_max_celsius", "gauge",
		    "Hardware monitor for temperature (max)");
		prom_sample(&c->prom, "node_hwmon_temp_max_celsius", h->high,
		    "chip", h->id, "sensor", h->sensor, NULL);
	}
	if (zones && ss->ntemp > 0)
		prom_family(&c->prom, "node_thermal_zone_temp", "gauge",
		    "Zone temperature in Celsius");
	for (i = 0; i < ss->ntemp && zones; i++) {
		h = &ss->s[i];
		snprintf(zone, sizeof(zone), "%d", h->zone);
		prom_sample(&c->prom, "node_thermal_zone_temp", h->current,
		    "type", h->chip, "zone", zone, NULL);
	}
	if (ss->n > ss->ntemp)
		prom_family(&c->prom, "node_hwmon_fan_rpm", "gauge",
		    "Hardware monitor for fan revolutions per minute (input)");
	for (i = ss->ntemp; i < ss->n; i++)
		prom_sample(&c->prom, "node_hwmon_fan_rpm", ss->s[i].current,
		    "chip", ss->s[i].id, "sensor", ss->s[i].sensor, NULL);
	for (i = 0; i < ss->n; i++) {
		h = &ss->s[i];
		if (h->label[0] == '\0' || (zones && i < ss->ntemp))
			continue;
		prom_family(&c->prom, "node_hwmon_sensor_label", "gauge",
		    "Label for given chip and sensor");
		prom_sample(&c->prom, "node_hwmon_sensor_label", 1, "chip",
		    h->id, "label", h->label, "sensor", h->sensor, NULL);
	}
}

/* psutil's sensors_battery(): BAT0, BAT1, BATT or battery; percent from
 * energy or charge, or capacity; plugged from AC/ status. */
static void
sensors_battery(struct ctx *c, struct rep *o)
{
	char **ps = NULL, status[64] = "", *bat = NULL;
	int64_t now, full, power, online = -1;
	double percent;
	int n, i, plugged = -1;
	struct rep *b;

	n = si_sys_list_class("power_supply", &ps);
	for (i = 0; i < n && bat == NULL; i++) {
		char type[32];

		if (ps[i] != NULL && sys_str("power_supply", ps[i], "type",
		    type, sizeof(type)) == 0 && strcmp(type, "Battery") == 0)
			bat = ps[i];
	}
	for (i = 0; i < n; i++) {
		char type[32];

		if (ps[i] != NULL && sys_str("power_supply", ps[i], "type",
		    type, sizeof(type)) == 0 && strcmp(type, "Mains") == 0)
			sys_num("power_supply", ps[i], "online", &online);
	}
	if (bat == NULL) {
		if (!c->pr)
			rep_null(o, "battery", "no battery");
		goto out;
	}
	if (sys_num("power_supply", bat, "energy_now", &now) == 0 &&
	    sys_num("power_supply", bat, "energy_full", &full) == 0 && full > 0)
		percent = 100.0 * now / full;
	else if (sys_num("power_supply", bat, "charge_now", &now) == 0 &&
	    sys_num("power_supply", bat, "charge_full", &full) == 0 && full > 0)
		percent = 100.0 * now / full;
	else if (sys_num("power_supply", bat, "capacity", &now) == 0) {
		percent = (double)now;
		full = 0;
	} else {
		if (!c->pr)
			rep_null(o, "battery", "battery without charge level");
		goto out;
	}
	if (percent > 100)
		percent = 100;
	sys_str("power_supply", bat, "status", status, sizeof(status));
	if (online >= 0)
		plugged = online == 1;
	else if (strcasecmp(status, "Charging") == 0 ||
	    strcasecmp(status, "Full") == 0)
		plugged = 1;
	else if (strcasecmp(status, "Discharging") == 0)
		plugged = 0;
	if (c->pr) {
		si_prom_gauge(c, "node_power_supply_capacity",
		    "capacity value of /sys/class/power_supply/<power_supply>.",
		    percent);
		goto out;
	}
	b = rep_obj(o, "battery");
	rep_f64(b, "percent", si_round_to(percent < 0 ? 0 : percent, 2), UNIT_PCT);
	if (plugged >= 0)
		rep_bool(b, "power_plugged", plugged);
	else
		rep_null(b, "power_plugged", "unknown");
	if (plugged == 1)
		rep_null(b, "secsleft", "charging");
	else if ((sys_num("power_supply", bat, "power_now", &power) == 0 ||
	    sys_num("power_supply", bat, "current_now", &power) == 0) &&
	    power > 0 && full > 0)
		rep_f64(b, "secsleft", (double)now / power * 3600, UNIT_SECS);
	else
		rep_null(b, "secsleft", "unknown");
out:
	free(ps);
}

void
sec_sensors(struct ctx *c)
{
	struct sensors ss;
	struct rep *o, *temps, *fans;
	int zones, i;

	memset(&ss, 0, sizeof(ss));
	sensors_read(&ss, &zones);
	if (c->pr) {
		sensors_prom(c, &ss, zones);
		sensors_battery(c, NULL);
		free(ss.s);
		return;
	}
	o = rep_obj(c->root, "sensors");
	temps = rep_arr(o, "temperatures");
	fans = rep_arr(o, "fans");
	for (i = 0; i < ss.n; i++)
		sensors_rep(i < ss.ntemp ? temps : fans, &ss.s[i], i >= ss.ntemp);
	sensors_battery(c, o);
	free(ss.s);
}
