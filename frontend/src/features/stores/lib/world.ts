import type { FeatureCollection } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';

/**
 * Country outlines (Natural Earth 1:110m, ~100 kB) bundled with the app, so the store map shows
 * where things are with no tile server at all. Converted once, on first use.
 */
let cached: FeatureCollection | null = null;

export function worldOutlines(): FeatureCollection {
  if (!cached) {
    const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
    cached = feature(topology, topology.objects.countries);
  }
  return cached;
}
