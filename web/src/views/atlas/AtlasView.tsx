import { useMemo, useState } from "react";
import { type AtlasPlantPoint, atlasApi } from "../../api/atlas.js";
import { Legend } from "../../components/charts/Legend.js";
import { Loaded } from "../../components/Status.js";
import { type MapView, WorldMap } from "../../components/WorldMap.js";
import { brandColor, STATUS_COLORS, STATUS_LABELS } from "../../lib/colors.js";
import { link, navigate } from "../../lib/router.js";
import { useAsync } from "../../lib/use-async.js";
import { MapViewPicker } from "../results/FlowMap.js";
import { ConflictList } from "./ConflictList.js";
import { PlantDetail } from "./PlantDetail.js";
import { WhereSearch } from "./WhereSearch.js";

const THIS_YEAR = new Date().getFullYear();

/** Where is it made? The network on a map, a plant's story with its sources, and the claims that disagree. */
export function AtlasView({ plantId }: { plantId?: string }) {
  const [year, setYear] = useState(THIS_YEAR);
  const [view, setView] = useState<MapView>("italy");
  const plants = useAsync((signal) => atlasApi.plants(year, signal), [year]);
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Atlas</h1>
          <p className="muted">Where the network's cars are made, per the sources. Click a plant.</p>
        </div>
        <label className="inline">
          Year
          <input
            type="number"
            min={1900}
            max={2100}
            value={year}
            onChange={(e) => Number(e.target.value) >= 1900 && setYear(Number(e.target.value))}
          />
        </label>
      </div>
      <div className="atlas-grid">
        <div>
          <section className="panel" aria-label="Map">
            <div className="row controls">
              <MapViewPicker view={view} onChange={setView} />
            </div>
            <Loaded state={plants}>
              {(list) => <PlantMap plants={list} selected={plantId} view={view} year={year} />}
            </Loaded>
          </section>
          <WhereSearch year={year} />
        </div>
        <div>
          {plantId ? (
            <PlantDetail plantId={plantId} year={year} />
          ) : (
            <section className="panel">
              <p className="muted">
                Choose a plant on the map or in the list to see what it builds, its history and sources.
              </p>
            </section>
          )}
          <Conflicts plantId={plantId} />
        </div>
      </div>
    </div>
  );
}

function PlantMap({
  plants,
  selected,
  view,
  year,
}: {
  plants: AtlasPlantPoint[];
  selected?: string;
  view: MapView;
  year: number;
}) {
  const brands = [...new Set(plants.flatMap((p) => p.brands))].sort();
  const points = useMemo(
    () =>
      plants.map((p) => ({
        id: p.id,
        label: p.name,
        lon: p.lon,
        lat: p.lat,
        fill: STATUS_COLORS[p.status] ?? STATUS_COLORS.unknown!,
        stroke: p.brands[0] ? brandColor(slug(p.brands[0]), brands.indexOf(p.brands[0])) : undefined,
        radius: 8,
        selected: p.id === selected,
        onSelect: () => navigate(link("atlas", "plant", p.id)),
      })),
    [plants, selected, brands],
  );
  const statuses = [...new Set(plants.map((p) => p.status))];
  return (
    <>
      <WorldMap title={`Atlas map, ${year}`} points={points} view={view} height={560} />
      <Legend
        title="Status"
        items={statuses.map((s) => ({
          label: STATUS_LABELS[s] ?? s,
          color: STATUS_COLORS[s] ?? STATUS_COLORS.unknown!,
        }))}
      />
      <Legend
        title={`Ring: brand built in ${year}`}
        items={brands.map((b, i) => ({ label: b, color: brandColor(slug(b), i), hollow: true }))}
      />
      <ul className="plant-list" aria-label="Plants">
        {plants.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              aria-pressed={p.id === selected}
              onClick={() => navigate(link("atlas", "plant", p.id))}
            >
              <span
                className="dot"
                style={{ background: STATUS_COLORS[p.status] ?? STATUS_COLORS.unknown }}
              />
              {p.name}
              <span className="muted small">
                {p.status}
                {p.brands.length > 0 && ` · ${p.brands.join(", ")}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function Conflicts({ plantId }: { plantId?: string }) {
  const [all, setAll] = useState(false);
  const state = useAsync(async (signal) => {
    const [conflicts, sources] = await Promise.all([atlasApi.conflicts(signal), atlasApi.sources(signal)]);
    return { conflicts, sources: new Map(sources.map((s) => [s.id, s])) };
  }, []);
  return (
    <section className="panel" aria-label="Conflicts">
      <h2>Conflicting claims</h2>
      {plantId && (
        <label className="inline small">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} /> show all, not
          only this plant's
        </label>
      )}
      <Loaded state={state}>
        {({ conflicts, sources }) => (
          <ConflictList
            conflicts={
              plantId && !all ? conflicts.filter((c) => c.subject === `plant:${plantId}`) : conflicts
            }
            sources={sources}
          />
        )}
      </Loaded>
    </section>
  );
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}
