export interface LegendItem {
  label: string;
  color: string;
  hollow?: boolean;
}

/** A row of colour swatches with labels, under a chart or a map. */
export function Legend({ title, items }: { title: string; items: LegendItem[] }) {
  return (
    <ul className="legend" aria-label={title}>
      <li className="legend-title">{title}</li>
      {items.map((item) => (
        <li key={item.label} className="legend-item">
          <span
            className="legend-swatch"
            style={item.hollow ? { border: `3px solid ${item.color}` } : { background: item.color }}
          />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
