import type { ReactNode } from "react";

/** What every chart shares: an SVG as wide as its drawing at most, named by its title for screen readers. */
export function ChartFrame({
  title,
  width,
  height,
  children,
}: {
  title: string;
  width: number;
  height: number;
  children: ReactNode;
}) {
  return (
    <svg
      className="chart"
      style={{ maxWidth: width }}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
    >
      <title>{title}</title>
      {children}
    </svg>
  );
}
