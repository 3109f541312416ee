/** A labelled select with an "All" choice (the empty value) first. */
export interface FilterSelectProps {
  readonly label: string;
  readonly value: string;
  readonly options: readonly { value: string; label: string }[];
  readonly onChange: (value: string) => void;
  readonly allLabel?: string;
}

export function FilterSelect({ label, value, options, onChange, allLabel = 'All' }: FilterSelectProps) {
  // A value from a shared URL stays selectable before (or without) the choices that list it.
  const listed = value === '' || options.some((option) => option.value === value);
  return (
    <label className="field">
      <span>{label}</span>
      <select
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      >
        <option value="">{allLabel}</option>
        {listed ? null : <option value={value}>{value}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Choices that read as their value, e.g. regions or service codes. */
export function optionsOf(values: readonly string[]): { value: string; label: string }[] {
  return values.map((value) => ({ value, label: value }));
}
