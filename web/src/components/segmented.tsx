/** One choice among a few, shown as joined buttons: radio inputs underneath, for keyboards and screen readers. */
export interface SegmentedProps<V extends string> {
  /** What is chosen, for screen readers. */
  readonly legend: string;
  /** The radio group's name, unique on the page. */
  readonly name: string;
  readonly options: readonly { readonly value: V; readonly label: string }[];
  readonly value: V;
  readonly onChange: (value: V) => void;
}

export function Segmented<V extends string>({ legend, name, options, value, onChange }: SegmentedProps<V>) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className={option.value === value ? 'segment segment-on' : 'segment'}>
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={option.value === value}
            onChange={() => {
              onChange(option.value);
            }}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
