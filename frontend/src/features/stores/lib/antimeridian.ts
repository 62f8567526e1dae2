import type { Feature, FeatureCollection, Geometry, MultiPolygon, Position } from 'geojson';

/**
 * Country outlines are drawn on a flat map (Leaflet), where a ring that crosses the
 * antimeridian (Russia's Chukotka, Fiji, Antarctica) would join 179.9° to -179.9° with a line
 * straight across the whole map. Here such a ring is cut into pieces that each stay on one
 * side of ±180°:
 *
 * - a ring that comes back to where it started (Russia, Fiji) is unwrapped into continuous
 *   longitudes (it then spans e.g. 27°..190°) and clipped at 180° into two polygons, the part
 *   beyond shifted back by 360°;
 * - a ring that goes once around a pole (Antarctica) is closed through that pole instead:
 *   along the map's edge at ±180° down to ±90° and back.
 *
 * Holes of a polygon that is cut are dropped (none of the bundled outlines has one).
 */

const jumps = (a: Position, b: Position) => Math.abs(b[0]! - a[0]!) > 180;

/** The ring with longitudes made continuous (each step under 180°), and its net turn. */
function unwrap(ring: Position[]): { points: Position[]; turn: number } {
  let offset = 0;
  const points = ring.map((point, i) => {
    if (i > 0 && jumps(ring[i - 1]!, point)) offset += point[0]! > ring[i - 1]![0]! ? -360 : 360;
    return [point[0]! + offset, point[1]!];
  });
  return { points, turn: offset };
}

/** Sutherland–Hodgman against one vertical line: the part with x on the `keep` side. */
function clip(ring: Position[], x: number, keep: 'west' | 'east'): Position[] {
  const inside = (p: Position) => (keep === 'west' ? p[0]! <= x : p[0]! >= x);
  const out: Position[] = [];
  for (let i = 0; i < ring.length - 1; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if (inside(a)) out.push(a);
    if (inside(a) !== inside(b)) {
      const t = (x - a[0]!) / (b[0]! - a[0]!);
      out.push([x, a[1]! + t * (b[1]! - a[1]!)]);
    }
  }
  if (out.length > 0) out.push(out[0]!);
  return out.length >= 4 ? out : [];
}

const shift = (ring: Position[], by: number) => ring.map((p) => [p[0]! + by, p[1]!]);

/** A ring around a pole, closed through it along the map's edge. */
function closeThroughPole(ring: Position[]): Position[] {
  const meanLat = ring.reduce((sum, p) => sum + p[1]!, 0) / ring.length;
  const pole = meanLat < 0 ? -90 : 90;
  const out: Position[] = [];
  ring.forEach((point, i) => {
    const previous = ring[i - 1];
    if (previous && jumps(previous, point)) {
      const edge = previous[0]! > 0 ? 180 : -180;
      out.push([edge, previous[1]!], [edge, pole], [-edge, pole], [-edge, point[1]!]);
    }
    out.push(point);
  });
  return out;
}

/** The outer rings a polygon becomes: itself when it does not cross ±180°. */
export function splitPolygon(rings: Position[][]): Position[][][] {
  const outer = rings[0];
  if (!outer || !outer.some((p, i) => i > 0 && jumps(outer[i - 1]!, p))) return [rings];
  const { points, turn } = unwrap(outer);
  if (turn !== 0) return [[closeThroughPole(outer)]];
  const lngs = points.map((p) => p[0]!);
  const edge = Math.max(...lngs) > 180 ? 180 : -180;
  const beyond = edge === 180 ? 'east' : 'west';
  const within = edge === 180 ? 'west' : 'east';
  return [clip(points, edge, within), shift(clip(points, edge, beyond), edge === 180 ? -360 : 360)]
    .filter((ring) => ring.length > 0)
    .map((ring) => [ring]);
}

function splitGeometry(geometry: Geometry): Geometry {
  if (geometry.type === 'Polygon') {
    const pieces = splitPolygon(geometry.coordinates);
    return pieces.length === 1 ? { type: 'Polygon', coordinates: pieces[0]! } : ({ type: 'MultiPolygon', coordinates: pieces } satisfies MultiPolygon);
  }
  if (geometry.type === 'MultiPolygon') {
    return { type: 'MultiPolygon', coordinates: geometry.coordinates.flatMap(splitPolygon) } satisfies MultiPolygon;
  }
  return geometry;
}

export function splitAtAntimeridian(collection: FeatureCollection): FeatureCollection {
  return {
    ...collection,
    features: collection.features.map((f: Feature) => ({ ...f, geometry: splitGeometry(f.geometry) })),
  };
}

