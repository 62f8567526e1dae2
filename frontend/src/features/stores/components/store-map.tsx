import L from 'leaflet';
import { useEffect, useMemo } from 'react';
import { GeoJSON, MapContainer, Marker, Popup, TileLayer, useMap } from 'react-leaflet';

import type { Origin } from '@/features/stores/api/stores-api';
import { worldOutlines } from '@/features/stores/lib/world';
import type { Store } from '@/lib/api-schemas/catalog-fulfillment';
import { env } from '@/lib/env';

/*
 * Markers are HTML (divIcon) rather than Leaflet's default PNG icons: nothing to download, they
 * scale with the text, and each carries the store's name for screen readers and keyboard users.
 */
function storeIcon(rank: number | null, active: boolean) {
  return L.divIcon({
    className: 'store-marker-wrapper',
    html: `<span class="store-marker${active ? ' store-marker--active' : ''}"><span>${rank ?? ''}</span></span>`,
    iconSize: [28, 28],
    iconAnchor: [14, 28],
    popupAnchor: [0, -26],
  });
}

const originIcon = L.divIcon({
  className: 'store-marker-wrapper',
  html: '<span class="origin-marker" aria-hidden="true"></span>',
  iconSize: [18, 18],
  iconAnchor: [9, 9],
});

function FitToStores({ stores, origin }: { stores: Store[]; origin: Origin | null }) {
  const map = useMap();
  useEffect(() => {
    const points: [number, number][] = stores.map((s) => [s.lat, s.lng]);
    if (origin) points.push([origin.lat, origin.lng]);
    if (points.length === 0) return;
    if (points.length === 1) map.setView(points[0] as [number, number], 9);
    else map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 11 });
  }, [map, stores, origin]);
  return null;
}

export function StoreMap({
  stores,
  origin,
  ranked,
  activeId,
  onSelect,
}: {
  stores: Store[];
  origin: Origin | null;
  ranked: boolean;
  activeId: string | null;
  onSelect: (id: string) => void;
}) {
  const outlines = useMemo(() => worldOutlines(), []);
  return (
    <MapContainer
      center={[30, 0]}
      zoom={2}
      minZoom={1}
      worldCopyJump
      className="h-[420px] w-full rounded-lg ring-1 ring-slate-200"
      style={{ background: '#dbeafe' }}
      aria-label="Map of stores"
    >
      {env.mapTileUrl ? (
        <TileLayer url={env.mapTileUrl} attribution={env.mapTileAttribution} />
      ) : (
        <GeoJSON
          data={outlines}
          style={{ color: '#64748b', weight: 0.8, fillColor: '#f8fafc', fillOpacity: 1 }}
          interactive={false}
        />
      )}
      {origin && <Marker position={[origin.lat, origin.lng]} icon={originIcon} title={`You: ${origin.label}`} alt={`You: ${origin.label}`} />}
      {stores.map((store, index) => (
        <Marker
          key={store.id}
          position={[store.lat, store.lng]}
          icon={storeIcon(ranked ? index + 1 : null, store.id === activeId)}
          title={store.name}
          alt={store.name}
          eventHandlers={{ click: () => onSelect(store.id) }}
        >
          <Popup>
            <strong>{store.name}</strong>
            <br />
            {store.address ?? store.line1}
            {store.city && `, ${store.city}`}
            {store.distance_km != null && (
              <>
                <br />
                {store.distance_km.toFixed(1)} km away
              </>
            )}
          </Popup>
        </Marker>
      ))}
      <FitToStores stores={stores} origin={origin} />
    </MapContainer>
  );
}
