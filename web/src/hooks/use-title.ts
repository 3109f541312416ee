/** The document's title for the page shown, so tabs and history entries say where they lead. */
import { useEffect } from 'react';

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · headroom`;
  }, [title]);
}
