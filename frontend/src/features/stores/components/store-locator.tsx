import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form-field';
import { EmptyState, LoadingState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { useNearbyStores, useStores, type Origin } from '@/features/stores/api/stores-api';
import { StoreList } from '@/features/stores/components/store-list';
import { findCity } from '@/features/stores/lib/cities';
import { orderStores } from '@/features/stores/lib/store-order';

// Leaflet and the world outlines are the heaviest part of the app: load them with this page only.
const StoreMap = lazy(() => import('@/features/stores/components/store-map').then((m) => ({ default: m.StoreMap })));

// The service answers up to 1000 km.
const radiusOptions = [10, 25, 50, 100, 250, 500, 1000];

/**
 * Store locator. The origin (a city, or the shopper's position) lives in the URL so a search can be
 * shared and survives a reload; without an origin every store is shown.
 */
export function StoreLocator() {
  const [params, setParams] = useSearchParams();
  const [cityText, setCityText] = useState(params.get('city') ?? '');
  const [cityError, setCityError] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const [activeId, setActiveId] = useState<string | null>(null);
  const allStores = useStores();

  const radiusKm = Number(params.get('radius') ?? 500) || 500;
  const origin = useMemo<Origin | null>(() => {
    const lat = Number(params.get('lat'));
    const lng = Number(params.get('lng'));
    if (!params.has('lat') || !params.has('lng') || !Number.isFinite(lat) || !Number.isFinite(lng)) return null;
    return { lat, lng, label: params.get('near') ?? 'your location' };
  }, [params]);
  const nearby = useNearbyStores(origin, radiusKm);

  function setOrigin(next: Origin, city?: string) {
    const updated = new URLSearchParams(params);
    updated.set('lat', next.lat.toFixed(4));
    updated.set('lng', next.lng.toFixed(4));
    updated.set('near', next.label);
    if (city) updated.set('city', city);
    else updated.delete('city');
    setParams(updated);
    setActiveId(null);
  }

  function searchCity(event: FormEvent) {
    event.preventDefault();
    const text = cityText.trim();
    if (!text) {
      setCityError('Enter a city name');
      return;
    }
    const city = findCity(text, allStores.data ?? []);
    if (!city) {
      setCityError(`We do not know "${text}" yet. Try a nearby larger city.`);
      return;
    }
    setCityError(null);
    setOrigin({ lat: city.lat, lng: city.lng, label: city.name }, city.name);
  }

  function useMyLocation() {
    if (!('geolocation' in navigator)) {
      setCityError('Your browser cannot share its location. Search by city instead.');
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        setCityError(null);
        setOrigin({ lat: position.coords.latitude, lng: position.coords.longitude, label: 'your location' });
      },
      () => {
        setLocating(false);
        setCityError('We could not get your location. Allow location access or search by city.');
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  }

  const query = origin ? nearby : allStores;
  const stores = useMemo(() => orderStores(query.data ?? [], origin !== null), [query.data, origin]);

  return (
    <div className="space-y-6">
      <form onSubmit={searchCity} className="flex flex-wrap items-end gap-3" role="search" aria-label="Find stores">
        <TextField
          label="City"
          value={cityText}
          onChange={(e) => setCityText(e.target.value)}
          error={cityError ?? undefined}
          placeholder="e.g. Chicago"
          containerClassName="w-64"
        />
        <SelectField
          label="Within"
          value={radiusKm}
          onChange={(e) => {
            const updated = new URLSearchParams(params);
            updated.set('radius', e.target.value);
            setParams(updated);
          }}
          containerClassName="w-36"
        >
          {radiusOptions.map((km) => (
            <option key={km} value={km}>
              {km} km
            </option>
          ))}
        </SelectField>
        <Button type="submit">Find stores</Button>
        <Button variant="secondary" onClick={useMyLocation} isLoading={locating}>
          Use my location
        </Button>
      </form>

      <p className="text-sm text-slate-700" aria-live="polite">
        {origin
          ? query.isSuccess
            ? `${stores.length} store${stores.length === 1 ? '' : 's'} within ${radiusKm} km of ${origin.label}, nearest first.`
            : `Looking for stores near ${origin.label}…`
          : 'All our stores. Search by city or use your location to sort them by distance.'}
      </p>

      <div className="grid gap-6 lg:grid-cols-5">
        <div className="lg:col-span-3">
          <Suspense fallback={<LoadingState label="Loading map…" />}>
            <StoreMap stores={stores} origin={origin} ranked={origin !== null} activeId={activeId} onSelect={setActiveId} />
          </Suspense>
        </div>
        <div className="max-h-[420px] overflow-y-auto lg:col-span-2">
          <QueryView
            // A query that is not running (no answer, nothing asked) counts as an empty list.
            query={{
              isPending: query.isPending && query.fetchStatus !== 'idle',
              isError: query.isError,
              error: query.error,
              refetch: query.refetch,
              data: stores,
            }}
            loadingLabel="Finding stores…"
            isEmpty={(list) => list.length === 0}
            empty={<EmptyState title="No stores found">Try a larger distance or another city.</EmptyState>}
          >
            {(list) => <StoreList stores={list} activeId={activeId} onSelect={setActiveId} />}
          </QueryView>
        </div>
      </div>
    </div>
  );
}
