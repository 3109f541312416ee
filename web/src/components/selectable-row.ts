/**
 * The attributes of a table row that opens something above the table (a quota's history, a
 * request's trail): a click, or Enter or Space while the row itself has focus, opens it, and the
 * row is marked while what it opened is shown.
 */
import type { KeyboardEvent } from 'react';
import type { RowAttributes } from './data-table';

export function selectableRow(selected: boolean, onSelect: () => void): RowAttributes {
  return {
    className: selected ? 'row-selectable row-selected' : 'row-selectable',
    tabIndex: 0,
    'aria-current': selected ? 'true' : undefined,
    onClick: () => {
      onSelect();
    },
    onKeyDown: (event: KeyboardEvent<HTMLTableRowElement>) => {
      // A key pressed on a control inside the row belongs to that control.
      if (event.target !== event.currentTarget) return;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onSelect();
      }
    },
  };
}
