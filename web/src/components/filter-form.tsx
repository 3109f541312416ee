/**
 * A bar of filters that apply as they change (into the URL). It is a form so a screen reader
 * announces it as a search; Enter in one of its fields submits nothing, since there is nothing
 * left to send.
 */
import type { ReactNode } from 'react';

export function FilterForm({ label, children }: { label: string; children: ReactNode }) {
  return (
    <form
      className="filters"
      role="search"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
      }}
    >
      {children}
    </form>
  );
}
