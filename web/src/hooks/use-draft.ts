/**
 * A text field whose value lives in the URL: what is typed shows at once, and reaches the URL
 * (and so the request) when typing pauses. When the URL changes from elsewhere (a link to the
 * same page, Reset), the field follows it.
 */
import { useState } from 'react';
import { useDebounced } from './use-debounced';

/**
 * `commit` puts a draft in the URL and returns the value the URL will then give back, or null
 * when the draft is not committable yet (e.g. a number out of range).
 */
export function useDraft(
  value: string,
  commit: (draft: string) => string | null,
): [string, (draft: string) => void] {
  const [draft, setDraft] = useState(value);
  // The URL value this field last agreed with: a different one came from elsewhere.
  const [agreed, setAgreed] = useState(value);
  if (value !== agreed) {
    setAgreed(value);
    setDraft(value);
  }
  const debounced = useDebounced((next: string) => {
    const committed = commit(next);
    if (committed !== null) setAgreed(committed);
  });
  return [
    draft,
    (next: string) => {
      setDraft(next);
      debounced(next);
    },
  ];
}
