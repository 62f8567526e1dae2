import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useNavigate } from 'react-router';

import { useSearchSuggestions } from '@/features/catalog/api/catalog-api';
import { formatMoney } from '@/lib/money';
import { useDebouncedValue } from '@/lib/use-debounced-value';

/**
 * Search with type-ahead suggestions, following the ARIA combobox pattern: arrows move through
 * suggestions, Enter opens one (or searches for the text), Escape closes the list.
 */
export function SearchBox({ initialQuery = '' }: { initialQuery?: string }) {
  const [text, setText] = useState(initialQuery);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const debounced = useDebouncedValue(text, 200);
  const suggestions = useSearchSuggestions(debounced);
  const navigate = useNavigate();
  const listId = useId();
  const items = open ? (suggestions.data ?? []) : [];

  function goToSearch(event?: FormEvent) {
    event?.preventDefault();
    const q = text.trim();
    if (!q) return;
    setOpen(false);
    void navigate(`/search?q=${encodeURIComponent(q)}`);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' && items.length) {
      event.preventDefault();
      setActive((index) => (index + 1) % items.length);
    } else if (event.key === 'ArrowUp' && items.length) {
      event.preventDefault();
      setActive((index) => (index <= 0 ? items.length - 1 : index - 1));
    } else if (event.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    } else if (event.key === 'Enter' && active >= 0 && items[active]) {
      event.preventDefault();
      setOpen(false);
      void navigate(`/products/${items[active].slug ?? items[active].id}`);
    }
  }

  return (
    <form role="search" onSubmit={goToSearch} className="relative w-full max-w-md">
      <label htmlFor={`${listId}-input`} className="sr-only">
        Search products
      </label>
      <input
        id={`${listId}-input`}
        type="search"
        role="combobox"
        aria-expanded={items.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={active >= 0 ? `${listId}-${active}` : undefined}
        placeholder="Search products"
        autoComplete="off"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900"
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Suggestions"
        className={items.length ? 'absolute z-[1100] mt-1 w-full overflow-hidden rounded-md bg-white shadow-lg ring-1 ring-slate-200' : 'hidden'}
      >
        {items.map((item, index) => (
          <li
            key={item.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === active}
            className={`flex cursor-pointer justify-between gap-2 px-3 py-2 text-sm text-slate-900 ${index === active ? 'bg-brand-50' : ''}`}
            onMouseDown={(event) => {
              // mousedown, not click: the input's blur would close the list before a click lands.
              event.preventDefault();
              setOpen(false);
              void navigate(`/products/${item.slug ?? item.id}`);
            }}
          >
            <span>{item.name}</span>
            <span className="text-slate-600">{formatMoney(item.price, item.currency)}</span>
          </li>
        ))}
      </ul>
    </form>
  );
}
