import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';

import { splitAtAntimeridian } from '@/features/stores/lib/antimeridian';

/**
 * Country outlines (Natural Earth 1:110m, ~100 kB) bundled with the app, so the store map shows
 * where things are with no tile server at all. Converted once, on first use; outlines that cross
 * the antimeridian are cut there (lib/antimeridian.ts), or the flat map would draw lines across
 * the ocean.
 */
let cached: FeatureCollection | null = null;

export function worldOutlines(): FeatureCollection {
  if (!cached) {
    const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
    cached = splitAtAntimeridian(feature(topology, topology.objects.countries));
  }
  return cached;
}
