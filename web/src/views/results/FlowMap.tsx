import { useMemo, useState } from "react";
import type { Plan } from "../../api/types.js";
import { Legend } from "../../components/charts/Legend.js";
import {
  type MapLine,
  type MapPoint,
  type MapView,
  MapViewPicker,
  WorldMap,
} from "../../components/WorldMap.js";
import { kVehicles } from "../../lib/format.js";
import type { Coordinates } from "./coordinates.js";
import { type Namer, years } from "./names.js";

/** Flows plant → market in one year (or over the horizon), line width by volume, colour by plant. */
export function FlowMap({
  plan,
  coordinates,
  names,
  plantColor,
}: {
  plan: Plan;
  coordinates: Coordinates;
  names: Namer;
  plantColor: (plant: string) => string;
}) {
  const [year, setYear] = useState<number | "all">("all");
  const [view, setView] = useState<MapView>("fit");

  const { points, lines, missing } = useMemo(() => {
    const volumes = new Map<string, { plant: string; market: string; volume: number }>();
    for (const f of plan.flows) {
      if (year !== "all" && f.year !== year) continue;
      const key = `${f.plant}|${f.market}`;
      const entry = volumes.get(key) ?? { plant: f.plant, market: f.market, volume: 0 };
      entry.volume += f.volume;
      volumes.set(key, entry);
    }
    const max = Math.max(1, ...[...volumes.values()].map((v) => v.volume));
    const lines: MapLine[] = [];
    const missing: string[] = [];
    for (const { plant, market, volume } of volumes.values()) {
      const from = coordinates.plants.get(plant);
      const to = coordinates.markets.get(market);
      if (!from || !to || volume <= 0) {
        if (volume > 0) missing.push(`${names.plant(plant)} → ${names.market(market)}: ${kVehicles(volume)}`);
        continue;
      }
      lines.push({
        id: `${plant}-${market}`,
        label: `${names.plant(plant)} → ${names.market(market)}: ${kVehicles(volume)} vehicles`,
        from,
        to,
        width: 1.5 + 9 * Math.sqrt(volume / max),
        color: plantColor(plant),
      });
    }
    const usedPlants = new Set(plan.plantYears.filter((p) => p.operating).map((p) => p.plant));
    const points: MapPoint[] = [
      ...[...usedPlants].flatMap((id) => {
        const c = coordinates.plants.get(id);
        return c
          ? [{ id: `plant-${id}`, label: names.plant(id), lon: c[0], lat: c[1], fill: plantColor(id) }]
          : [];
      }),
      ...[...coordinates.markets].map(([id, c]) => ({
        id: `market-${id}`,
        label: names.market(id),
        lon: c[0],
        lat: c[1],
        fill: "#444",
        hollow: true,
        radius: 5,
      })),
    ];
    return { points, lines, missing };
  }, [plan, coordinates, names, year, plantColor]);

  return (
    <div>
      <div className="row controls">
        <label className="inline">
          Year{" "}
          <select
            value={String(year)}
            onChange={(e) => setYear(e.target.value === "all" ? "all" : Number(e.target.value))}
          >
            <option value="all">all years</option>
            {years(plan).map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
        <MapViewPicker view={view} onChange={setView} />
      </div>
      <WorldMap title="Flows from plants to markets" points={points} lines={lines} view={view} height={440} />
      <Legend
        title="Plants"
        items={[...new Set(plan.plantYears.map((p) => p.plant))].map((id) => ({
          label: names.plant(id),
          color: plantColor(id),
        }))}
      />
      {missing.length > 0 && (
        <p className="muted small">Not on the map (market without coordinates): {missing.join("; ")}.</p>
      )}
    </div>
  );
}
