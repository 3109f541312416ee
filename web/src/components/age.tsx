/** A time shown as its age ("3 min ago"), with the date and time on hover. */
import { formatAge, formatDateTime } from '../format';
import { useNow } from '../hooks/use-now';

export function Age({
  at,
  prefix,
  title,
}: {
  at: string | null | undefined;
  prefix?: string;
  title?: string;
}) {
  const now = useNow();
  const text = formatAge(at, now);
  if (at === null || at === undefined) {
    return (
      <span className="muted" title={title}>
        {text}
      </span>
    );
  }
  return (
    <time dateTime={at} title={title ?? formatDateTime(at)}>
      {prefix === undefined ? text : `${prefix} ${text}`}
    </time>
  );
}
