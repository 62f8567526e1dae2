import type { FeatureCollection, Position } from 'geojson';
import { describe, expect, it } from 'vitest';

import { splitAtAntimeridian, splitPolygon } from '@/features/stores/lib/antimeridian';
import { worldOutlines } from '@/features/stores/lib/world';

/** Segments a flat map would draw across more than half the world, except along a pole. */
function strayLines(collection: FeatureCollection): string[] {
  const found: string[] = [];
  for (const feature of collection.features) {
    const g = feature.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
    for (const ring of polygons.flat()) {
      ring.forEach((p, i) => {
        const q = ring[i - 1];
        const alongPole = q && Math.abs(q[1]!) === 90 && Math.abs(p[1]!) === 90;
        if (q && Math.abs(p[0]! - q[0]!) > 180 && !alongPole) found.push(`${String(feature.properties?.name)} ${q.join()} -> ${p.join()}`);
      });
    }
  }
  return found;
}

const lngs = (ring: Position[]) => ring.map((p) => p[0]!);

describe('splitting outlines at the antimeridian', () => {
  it('cuts an island across 180° into one piece on each side', () => {
    const island = [[170, 10], [-170, 10], [-170, -10], [170, -10], [170, 10]];
    const pieces = splitPolygon([island]);
    expect(pieces).toHaveLength(2);
    const [west, east] = pieces.map((p) => p[0]!);
    expect(Math.min(...lngs(west!))).toBe(170);
    expect(Math.max(...lngs(west!))).toBe(180);
    expect(Math.min(...lngs(east!))).toBe(-180);
    expect(Math.max(...lngs(east!))).toBe(-170);
    for (const ring of [west!, east!]) expect(ring[0]).toEqual(ring.at(-1)); // still closed
  });

  it('closes a ring around the South Pole through the pole along the map edge', () => {
    const cap = [[-180, -70], [-90, -72], [0, -70], [90, -72], [180, -70], [-180, -70]];
    const [[ring]] = splitPolygon([cap]) as [[Position[]]];
    expect(ring).toContainEqual([180, -90]);
    expect(ring).toContainEqual([-180, -90]);
    expect(strayLines({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } }] })).toEqual([]);
  });

  it('leaves outlines that do not cross untouched', () => {
    const square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]];
    expect(splitPolygon([square])).toEqual([[square]]);
    const collection: FeatureCollection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [square] } }] };
    expect(splitAtAntimeridian(collection).features[0]!.geometry).toEqual({ type: 'Polygon', coordinates: [square] });
  });

  it('leaves no stray line in the bundled world map (Russia, Fiji, Antarctica)', () => {
    const world = worldOutlines();
    expect(strayLines(world)).toEqual([]);
    const russia = world.features.find((f) => f.properties?.name === 'Russia')!;
    const points = (russia.geometry as { coordinates: Position[][][] }).coordinates.flat(2);
    // Chukotka is still drawn, east of 180° shown at the far west of the map
    expect(points.some((p) => p[0]! < -170)).toBe(true);
    expect(points.every((p) => p[0]! >= -180 && p[0]! <= 180)).toBe(true);
  });
});
