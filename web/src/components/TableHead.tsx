import type { ReactNode } from "react";

/** A column of a data table: its heading, and whether it holds numbers (right-aligned). */
export type Column = string | { label: ReactNode; num?: boolean; key?: string };

/** The header row of a data table, so every table heads its columns the same accessible way. */
export function TableHead({ columns }: { columns: readonly Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((column, i) => {
          const { label, num, key } =
            typeof column === "string" ? { label: column, num: false, key: column } : column;
          return (
            <th
              key={key ?? (typeof label === "string" ? label : i)}
              scope="col"
              className={num ? "num" : undefined}
            >
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
