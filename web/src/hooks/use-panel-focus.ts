/**
 * A panel that opens above a table (a quota's history, a request's trail, a plan's steps) is easy
 * to miss: its heading is brought into view and focused each time it opens on something new, for
 * eyes and screen readers alike. On closing, focus goes back to the row it was opened from.
 */
import { type RefObject, useEffect, useRef } from 'react';

/**
 * The ref for the panel's heading, which needs `tabIndex={-1}` to take focus.
 *
 * @example
 * const heading = usePanelFocus(id);
 * return <h2 ref={heading} tabIndex={-1}>Request {id}</h2>;
 */
export function usePanelFocus(openedOn: unknown): RefObject<HTMLHeadingElement | null> {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest' });
    heading.current?.focus({ preventScroll: true });
  }, [openedOn]);
  return heading;
}

/** Focus on the table row whose `data-testid` and `attribute` are these, if it is on the page shown. */
export function focusRow(testId: string, attribute: `data-${string}`, value: string): void {
  document
    .querySelector<HTMLElement>(`[data-testid="${testId}"][${attribute}="${CSS.escape(value)}"]`)
    ?.focus();
}
