import { type GeoProjection, geoGraticule10, geoNaturalEarth1, geoPath } from "d3-geo";
import { type ReactNode, useMemo } from "react";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import countries110m from "world-atlas/countries-110m.json";
import { placeLabels } from "./labels.js";

/**
 * A world map drawn as plain SVG from Natural Earth's 1:110m countries (world-atlas, bundled by Vite, so the map
 * works offline). Points (plants, markets) and great-circle lines (flows) go on top.
 */

export interface MapPoint {
  id: string;
  label: string;
  lon: number;
  lat: number;
  fill: string;
  /** ring colour, e.g. the brand */
  stroke?: string;
  radius?: number;
  /** hollow dots: markets, candidates */
  hollow?: boolean;
  selected?: boolean;
  onSelect?: () => void;
}

export interface MapLine {
  id: string;
  label: string;
  from: [number, number];
  to: [number, number];
  width: number;
  color: string;
}

export type MapView = "world" | "europe" | "italy" | "americas" | "fit";

const VIEWS: Record<Exclude<MapView, "fit">, [number, number][]> = {
  world: [
    [-170, -58],
    [180, 80],
  ],
  europe: [
    [-11, 36],
    [28, 58],
  ],
  /* Italy's plants sit close together: this frame keeps them apart (and Tychy in view) */
  italy: [
    [9, 40.3],
    [20, 50.6],
  ],
  americas: [
    [-125, 12],
    [-60, 55],
  ],
};

const WIDTH = 960;

const land = (() => {
  const topology = countries110m as unknown as Topology<{ countries: GeometryCollection }>;
  return feature(topology, topology.objects.countries);
})();

interface WorldMapProps {
  title: string;
  points: MapPoint[];
  lines?: MapLine[];
  view?: MapView;
  height?: number;
  children?: ReactNode;
}

export function WorldMap({ title, points, lines = [], view = "fit", height = 480, children }: WorldMapProps) {
  const projection = useMemo(
    () => fittedProjection(view, points, lines, height),
    [view, points, lines, height],
  );
  const path = useMemo(() => geoPath(projection), [projection]);
  const countryPaths = useMemo(
    () => land.features.map((f, i) => ({ key: String(f.id ?? i), d: path(f) ?? "" })),
    [path],
  );
  const graticule = useMemo(() => path(geoGraticule10()) ?? "", [path]);
  const labels = useMemo(() => {
    const shown = points.flatMap((point) => {
      const xy = projection([point.lon, point.lat]);
      // a point outside the frame is not seen: neither is its label, nor does it push others aside
      const inFrame = xy && xy[0] >= 0 && xy[0] <= WIDTH && xy[1] >= 0 && xy[1] <= height;
      return inFrame ? [{ point, x: xy[0], y: xy[1] }] : [];
    });
    const spots = placeLabels(
      shown.map((s) => ({ x: s.x, y: s.y, r: s.point.radius ?? 7, text: s.point.label })),
    );
    return shown.map((s, i) => ({ point: s.point, spot: spots[i]! }));
  }, [points, projection, height]);

  return (
    <figure className="map">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={title}>
        <title>{title}</title>
        <rect width={WIDTH} height={height} className="map-sea" />
        <path d={graticule} className="map-graticule" />
        <g className="map-land">
          {countryPaths.map((c) => (
            <path key={c.key} d={c.d} />
          ))}
        </g>
        <g className="map-lines">
          {lines.map((line) => (
            <path
              key={line.id}
              d={path({ type: "LineString", coordinates: [line.from, line.to] }) ?? ""}
              stroke={line.color}
              strokeWidth={line.width}
              fill="none"
              strokeLinecap="round"
            >
              <title>{line.label}</title>
            </path>
          ))}
        </g>
        <g className="map-points">
          {points.map((p) => (
            <MapDot key={p.id} point={p} projection={projection} />
          ))}
        </g>
        {/* labels sit in their own layer so that a dot's clickable area is the dot alone */}
        <g className="map-labels">
          {labels.map(({ point, spot }) => (
            <text key={point.id} x={spot.x} y={spot.y} textAnchor={spot.anchor} className="map-label">
              {point.label}
            </text>
          ))}
        </g>
      </svg>
      {children}
    </figure>
  );
}

const VIEW_LABELS: [MapView, string][] = [
  ["world", "World"],
  ["europe", "Europe"],
  ["italy", "Italy close-up"],
  ["americas", "North America"],
  ["fit", "Fit"],
];

/** Buttons choosing the map's frame. */
export function MapViewPicker({ view, onChange }: { view: MapView; onChange: (v: MapView) => void }) {
  return (
    <fieldset className="segmented">
      <legend className="sr-only">Map view</legend>
      {VIEW_LABELS.map(([v, label]) => (
        <button key={v} type="button" aria-pressed={view === v} onClick={() => onChange(v)}>
          {label}
        </button>
      ))}
    </fieldset>
  );
}

function MapDot({ point, projection }: { point: MapPoint; projection: GeoProjection }) {
  const xy = projection([point.lon, point.lat]);
  if (!xy) return null;
  const r = point.radius ?? 7;
  const dot = (
    <>
      {point.selected && <circle cx={xy[0]} cy={xy[1]} r={r + 5} className="map-halo" />}
      <circle
        cx={xy[0]}
        cy={xy[1]}
        r={r}
        fill={point.hollow ? "#fff" : point.fill}
        stroke={point.stroke ?? (point.hollow ? point.fill : "#fff")}
        strokeWidth={point.stroke || point.hollow ? 3 : 1.5}
      />
    </>
  );
  if (!point.onSelect) {
    return (
      <g>
        <title>{point.label}</title>
        {dot}
      </g>
    );
  }
  const select = point.onSelect;
  return (
    // biome-ignore lint/a11y/useSemanticElements: an SVG group cannot be a <button>; role and keys make it one
    <g
      role="button"
      tabIndex={0}
      aria-label={point.label}
      aria-pressed={point.selected ?? false}
      className="map-clickable"
      onClick={select}
      onKeyDown={(e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          select();
        }
      }}
    >
      {dot}
    </g>
  );
}

/** A projection framing the chosen region, or everything drawn (with a margin) for "fit". */
function fittedProjection(
  view: MapView,
  points: MapPoint[],
  lines: MapLine[],
  height: number,
): GeoProjection {
  const coordinates: [number, number][] =
    view === "fit"
      ? [...points.map((p): [number, number] => [p.lon, p.lat]), ...lines.flatMap((l) => [l.from, l.to])]
      : VIEWS[view];
  const extent = coordinates.length >= 2 ? padded(coordinates) : VIEWS.world;
  return geoNaturalEarth1().fitExtent(
    [
      [24, 24],
      [WIDTH - 24, height - 24],
    ],
    { type: "MultiPoint", coordinates: extent },
  );
}

/** The bounding box of the coordinates, widened so that labels and dots at the edge stay inside. */
function padded(coordinates: [number, number][]): [number, number][] {
  const lons = coordinates.map((c) => c[0]);
  const lats = coordinates.map((c) => c[1]);
  const [west, east, south, north] = [
    Math.min(...lons),
    Math.max(...lons),
    Math.min(...lats),
    Math.max(...lats),
  ];
  const padLon = Math.max(4, (east - west) * 0.12);
  const padLat = Math.max(3, (north - south) * 0.12);
  return [
    [Math.max(-180, west - padLon), Math.max(-85, south - padLat)],
    [Math.min(180, east + padLon * 2.5), Math.min(85, north + padLat)],
  ];
}
