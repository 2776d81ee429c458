#!/usr/bin/env python3
"""Makes the GPX test tracks in this folder: parked.gpx, drive.gpx and truncated.gpx.

    pip install geographiclib==2.1
    python3 core/tests/data/make_gpx.py

Deterministic: fixed seeds, fixed start times, fixed number formats; running it again gives
the same bytes (checked with geographiclib 2.1 on CPython 3.11).

- parked.gpx: a car parked for 60 minutes near 30.5728 N 104.0668 E (Chengdu), one point
  every 5 s (721 points), no hdop and no speed. The receiver's error drifts as a random walk
  pulled back to the true position (first-order Gauss-Markov, sigma 2.5 m per axis,
  correlation time 120 s): a few metres of wander (7.7 m at most with this seed), as a phone
  on a dashboard shows. The true distance travelled is zero.
- drive.gpx: a drive of about 10 km on a made-up route along the north-south / east-west
  street grid of south-central Chengdu (the vertices below are plausible, not surveyed), one
  point a second, with turns, two stops at red lights and a 7-minute tunnel (no points at all
  between the last point before it and the first after it, 420 s apart). Error: Gauss-Markov,
  sigma 2 m per axis, correlation time 20 s (so 2-4 m off the road, moving slowly, as real
  GNSS error does rather than jumping about at every point); hdop 0.6-0.8. The noise-free
  path is geodesics between the vertices; its exact length on the WGS-84 ellipsoid
  (geographiclib) is written in an XML comment at the top of the file, with other figures.
  The tunnel lies on one straight (geodesic) stretch, so the chord across the gap is the path.
- truncated.gpx: drive.gpx cut off in the middle of a tag, about half way through.
"""

import math
import os
import random
from datetime import datetime, timedelta, timezone

from geographiclib.geodesic import Geodesic

HERE = os.path.dirname(os.path.abspath(__file__))
WGS84 = Geodesic.WGS84

PARKED_AT = (30.5728, 104.0668)

# The drive: (latitude, longitude) vertices, and the cruising speed (m/s) on the stretch that
# ends at each vertex.
ROUTE = [
    ((30.5728, 104.0668), None),
    ((30.5850, 104.0669), 12.0),
    ((30.6150, 104.0672), 13.0),  # the tunnel is on this stretch
    ((30.6150, 104.0800), 10.0),
    ((30.6050, 104.0805), 11.0),
    ((30.6045, 104.0950), 13.0),
    ((30.5930, 104.0955), 10.0),
    ((30.5928, 104.1000), 8.0),
]
TURN_SPEED = 4.0  # m/s at each vertex
ACCEL, BRAKE = 1.5, 2.0  # m/s²
# (distance along the route in m, seconds stopped): red lights.
STOPS = [(5400.0, 40.0), (8200.0, 30.0)]
# The tunnel: starts this far along the route; points stop for TUNNEL_GAP_S.
TUNNEL_START_M = 2300.0
TUNNEL_SPEED = 3.6  # m/s: a jam underground
TUNNEL_GAP_S = 420


def header(comment_lines, name):
    comment = "\n".join("  " + line for line in comment_lines)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!--\n{comment}\n-->\n"
        '<gpx version="1.1" creator="Redshield test data (make_gpx.py)" '
        'xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <trk>\n    <name>{name}</name>\n    <trkseg>\n"
    )


FOOTER = "    </trkseg>\n  </trk>\n</gpx>\n"


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def trkpt(lat, lon, ele, t, hdop=None):
    s = f'      <trkpt lat="{lat:.8f}" lon="{lon:.8f}"><ele>{ele:.1f}</ele><time>{iso(t)}</time>'
    if hdop is not None:
        s += f"<hdop>{hdop:.1f}</hdop>"
    return s + "</trkpt>\n"


def offset(lat, lon, north_m, east_m):
    """The point north_m north and east_m east of (lat, lon), along a geodesic."""
    d = math.hypot(north_m, east_m)
    if d == 0:
        return lat, lon
    g = WGS84.Direct(lat, lon, math.degrees(math.atan2(east_m, north_m)), d)
    return g["lat2"], g["lon2"]


class GaussMarkov:
    """First-order Gauss-Markov error on two axes: stationary sigma, correlation time tau."""

    def __init__(self, rng, sigma, tau, dt):
        self.rng, self.sigma = rng, sigma
        self.phi = math.exp(-dt / tau)
        self.q = sigma * math.sqrt(1 - self.phi**2)
        self.n = rng.gauss(0, sigma)
        self.e = rng.gauss(0, sigma)

    def step(self):
        self.n = self.phi * self.n + self.rng.gauss(0, self.q)
        self.e = self.phi * self.e + self.rng.gauss(0, self.q)
        return self.n, self.e


def parked():
    rng = random.Random(20240514)
    err = GaussMarkov(rng, sigma=2.5, tau=120.0, dt=5.0)
    start = datetime(2024, 5, 14, 2, 0, 0, tzinfo=timezone.utc)
    lines = [
        "parked.gpx, made by make_gpx.py: a car parked for 60 minutes, one point every 5 s.",
        f"True position {PARKED_AT[0]} N {PARKED_AT[1]} E (WGS-84); true distance 0 m.",
        "Error: Gauss-Markov random walk, sigma 2.5 m per axis, correlation time 120 s, seed 20240514.",
    ]
    out = [header(lines, "Parked, Chengdu")]
    worst = 0.0
    for i in range(0, 3600 // 5 + 1):
        n, e = err.step() if i else (err.n, err.e)
        worst = max(worst, math.hypot(n, e))
        lat, lon = offset(*PARKED_AT, n, e)
        ele = 498.0 + 0.8 * n  # vertical error follows the horizontal, roughly
        out.append(trkpt(lat, lon, ele, start + timedelta(seconds=5 * i)))
    out.append(FOOTER)
    return "".join(out), worst


def route_stretches():
    """Each stretch: start vertex, geodesic line, length, cruising speed, start distance."""
    stretches, along = [], 0.0
    for (a, _), (b, cruise) in zip(ROUTE, ROUTE[1:]):
        line = WGS84.InverseLine(a[0], a[1], b[0], b[1])
        stretches.append((line, line.s13, cruise, along))
        along += line.s13
    return stretches, along


def position(stretches, d):
    for line, length, _, start in stretches:
        if d <= start + length:
            p = line.Position(d - start)
            return p["lat2"], p["lon2"], stretches.index((line, length, _, start))
    line, length, _, _ = stretches[-1]
    p = line.Position(length)
    return p["lat2"], p["lon2"], len(stretches) - 1


def speed_limit(stretches, d, total, tunnel_end):
    """The speed allowed at distance d: cruising speed, capped so that the car can brake for
    the turns, the stops, the tunnel and the end."""
    limit = stretches[-1][2]
    limits = []  # (distance of the constraint, speed there)
    for line, length, cruise, start in stretches:
        if start <= d <= start + length:
            limit = cruise
        end = start + length
        limits.append((end, TURN_SPEED if end < total else 0.0))
    limits += [(s, 0.0) for s, _ in STOPS]
    limits.append((TUNNEL_START_M, TUNNEL_SPEED))
    if TUNNEL_START_M <= d <= tunnel_end:
        limit = min(limit, TUNNEL_SPEED)
    for at, v in limits:
        if at >= d:
            limit = min(limit, math.sqrt(v * v + 2 * BRAKE * (at - d)))
    return limit


def drive():
    rng = random.Random(20240515)
    stretches, total = route_stretches()
    err = GaussMarkov(rng, sigma=2.0, tau=20.0, dt=1.0)
    start = datetime(2024, 5, 14, 3, 10, 0, tzinfo=timezone.utc)
    substeps = 100
    dt = 1.0 / substeps
    tunnel_end = TUNNEL_START_M + TUNNEL_SPEED * TUNNEL_GAP_S + 200.0
    d, v, t = 0.0, 0.0, 0
    stops = list(STOPS)
    dwell = 0.0
    samples = []  # (t, d, stretch index, lat, lon, in tunnel)
    tunnel_samples_left = None
    while True:
        lat, lon, k = position(stretches, d)
        if tunnel_samples_left is None and d >= TUNNEL_START_M:
            tunnel_samples_left = TUNNEL_GAP_S - 1
            hidden = False
        elif tunnel_samples_left:
            tunnel_samples_left -= 1
            hidden = True
        else:
            hidden = False
        samples.append((t, d, k, lat, lon, hidden))
        if d >= total - 1e-6 and v == 0.0:
            break
        for _ in range(substeps):
            if dwell > 0:
                dwell -= dt
                continue
            target = speed_limit(stretches, d, total, tunnel_end)
            if v < target:
                v = min(target, v + ACCEL * dt)
            else:
                v = max(target, v - BRAKE * dt)
            if d < total and v < 0.05:
                v = 0.05  # creep up to a stop line rather than halt short of it
            d = min(total, d + v * dt)
            if stops and d >= stops[0][0]:
                d, v = stops[0][0], 0.0  # at the stop line, braked to a halt
                dwell = stops.pop(0)[1]
            if d >= total - 1e-6:
                v = 0.0
        t += 1

    visible = [s for s in samples if not s[5]]
    gap = [(a, b) for a, b in zip(visible, visible[1:]) if b[0] - a[0] > 1]
    assert len(gap) == 1 and gap[0][1][0] - gap[0][0][0] == TUNNEL_GAP_S, gap
    before, after = gap[0]
    assert before[2] == after[2] == 1, "the tunnel must lie on one straight stretch"

    path_m = sum(length for _, length, _, _ in stretches)
    chord_m = sum(
        WGS84.Inverse(a[3], a[4], b[3], b[4])["s12"] for a, b in zip(visible, visible[1:])
    )
    points = []
    for t, d, _, lat, lon, hidden in samples:
        n, e = err.step()
        if hidden:
            continue
        nlat, nlon = offset(lat, lon, n, e)
        ele = 500.0 + 6.0 * math.sin(d / 1500.0) + 0.8 * n
        hdop = 0.7 + 0.1 * math.sin(t / 37.0)
        points.append((nlat, nlon, ele, start + timedelta(seconds=t), hdop))
    noisy_m = sum(
        WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"] for a, b in zip(points, points[1:])
    )
    lines = [
        "drive.gpx, made by make_gpx.py: a drive through Chengdu, one point a second.",
        f"Reference length (noise-free path, geodesics between {len(ROUTE)} vertices on the WGS-84",
        f"ellipsoid, geographiclib 2.1 Geodesic.WGS84.Inverse): {path_m:.3f} m",
        f"Through the noise-free positions at the recorded times: {chord_m:.3f} m",
        f"Through the recorded (noisy) points: {noisy_m:.3f} m",
        f"Points: {len(points)}; duration {samples[-1][0]} s; tunnel gap {TUNNEL_GAP_S} s "
        f"after {iso(start + timedelta(seconds=before[0]))}, "
        f"{after[1] - before[1]:.3f} m along the route (one straight stretch);",
        "stops at red lights of 40 s and 30 s.",
        "Error: Gauss-Markov, sigma 2 m per axis, correlation time 20 s, seed 20240515.",
    ]
    out = [header(lines, "Drive, Chengdu")]
    out += [trkpt(*p) for p in points]
    out.append(FOOTER)
    return "".join(out), path_m, chord_m, noisy_m, len(points)


def truncated(text):
    """The text cut in the middle of a <time> tag, about half way through."""
    cut = text.index("<time>", len(text) // 2) + len("<ti")
    return text[:cut]


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"{name}: {len(text.encode())} bytes")


def main():
    text, worst = parked()
    write("parked.gpx", text)
    print(f"  largest error {worst:.2f} m")
    text, path_m, chord_m, noisy_m, n = drive()
    write("drive.gpx", text)
    print(f"  {n} points; path {path_m:.3f} m, chords {chord_m:.3f} m, noisy {noisy_m:.3f} m")
    write("truncated.gpx", truncated(text))


if __name__ == "__main__":
    main()
