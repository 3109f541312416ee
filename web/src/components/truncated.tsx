/** Text cut to its column's width with an ellipsis; the whole text is the tooltip. */
export function Truncated({ text, className }: { text: string; className?: string }) {
  return (
    <span className={className === undefined ? 'truncate' : `truncate ${className}`} title={text}>
      {text}
    </span>
  );
}
