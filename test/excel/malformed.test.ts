import { deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { ZipArchive } from "../../src/domain/formats/xlsx/zip.js";
import { BASE, cellAt, edit, exportScenario, problems } from "./workbooks.js";

/**
 * The corpus of malformed workbooks: a valid export of the test network, changed the way people change
 * spreadsheets (with exceljs, an xlsx implementation independent of Portello's reader), or broken as a file.
 * Each must fail with exactly the listed problems, each naming its sheet and cell — never a crash.
 */

let base: Uint8Array;
beforeAll(async () => {
  base = await exportScenario(BASE);
});

type Change = (workbook: ExcelJS.Workbook) => void;
const set =
  (sheet: string, key: string, header: string, value: ExcelJS.CellValue): Change =>
  (wb) => {
    cellAt(wb, sheet, key, header).value = value;
  };
const sheet = (wb: ExcelJS.Workbook, name: string) => wb.getWorksheet(name)!;

const cases: { name: string; change: Change; expected: string[] }[] = [
  {
    name: "text in a number column",
    change: set("Plants", "cassino", "capacity per shift", "abc"),
    expected: [
      'net.xlsx: Plants!J2: capacity per shift: expected a number (vehicles per year one shift can build), found the text "abc"',
    ],
  },
  {
    name: "a negative cost",
    change: set("Plants", "cassino", "fixed cost", -5),
    expected: [
      "net.xlsx: Plants!L2: fixed cost: expected a number ≥ 0 (fixed cost per operating year), found -5",
    ],
  },
  {
    name: "an unknown column, with the closest known one",
    change: (wb) => {
      const plants = sheet(wb, "Plants");
      const column = plants.actualColumnCount + 1;
      plants.getRow(1).getCell(column).value = "capcity";
      plants.getRow(2).getCell(column).value = 5;
    },
    expected: ["net.xlsx: Plants!Z1: capcity: unknown column 'capcity' — did you mean 'capacity per shift'?"],
  },
  {
    name: "a misspelt status",
    change: set("Plants", "belvidere", "status", "activ"),
    expected: [
      `net.xlsx: Plants!I3: status: expected one of 'active', 'idle', 'candidate', 'closed' — status at the start of the horizon: active (operating), idle (can be reopened), candidate (can be built), closed (gone), found the text "activ" — did you mean 'active'?`,
    ],
  },
  {
    name: "demand for an unknown program",
    change: set("Demand", "stelvio-bev", "program", "stelvio-bv"),
    expected: ["net.xlsx: Demand!A3: program: unknown program 'stelvio-bv' — did you mean 'stelvio-bev'?"],
  },
  {
    name: "a volume in a year outside the horizon",
    change: (wb) => {
      const demand = sheet(wb, "Demand");
      const column = demand.actualColumnCount + 1;
      demand.getRow(1).getCell(column).value = "2040";
      demand.getRow(3).getCell(column).value = 1000;
    },
    expected: ["net.xlsx: Demand!Q3: 2040: year 2040 lies outside the horizon (2026–2032)"],
  },
  {
    name: "a missing required field",
    change: set("Plants", "belvidere", "name", null),
    expected: ["net.xlsx: Plants!B3: name: missing required field 'name': expected text"],
  },
  {
    name: "an id given twice",
    change: set("Plants", "belvidere", "id", "cassino"),
    expected: ["net.xlsx: Plants!A3: id: duplicate id 'cassino': plants[0] has it too"],
  },
  {
    name: "an unknown country in a list",
    change: set("Markets", "north-america", "countries", "US, xx"),
    expected: [
      "net.xlsx: Markets!C3: countries: 'xx' is neither a country code nor a region — did you mean 'eu'?",
    ],
  },
  {
    name: "pairs without a colon",
    change: set("Demand", "stelvio-bev", "price by market", "europe 56000"),
    expected: [
      'net.xlsx: Demand!I3: price by market: expected pairs written key: value; key: value, found "europe 56000"',
    ],
  },
  {
    name: "an ambiguous number typed as text",
    change: set("Demand", "stelvio-bev", "price", "55.000"),
    expected: [
      'net.xlsx: Demand!H3: price: "55.000" is ambiguous: write 55000 or 55 without thousands separators',
    ],
  },
  {
    name: "a formula without a computed value",
    change: set("Plants", "cassino", "max shifts", { formula: "1+2" } as ExcelJS.CellFormulaValue),
    expected: [
      "net.xlsx: Plants!K2: max shifts: the cell holds a formula whose value was never computed: open the workbook in Excel or LibreOffice and save it, so the value is stored",
    ],
  },
  {
    name: "an error value",
    change: set("Plants", "cassino", "shift cost", { error: "#DIV/0!" } as ExcelJS.CellErrorValue),
    expected: [
      "net.xlsx: Plants!M2: shift cost: the cell shows the error #DIV/0!: fix the formula or type the value",
    ],
  },
  {
    name: "cells merged across columns",
    change: (wb) => sheet(wb, "Plants").mergeCells("B2:C2"),
    expected: [
      "net.xlsx: Plants!B2: the cells B2:C2 are merged across columns: unmerge them, so each column holds its own value",
    ],
  },
  {
    name: "merged header cells",
    change: (wb) => sheet(wb, "Markets").mergeCells("D1:E1"),
    expected: [
      "net.xlsx: Markets!D1: the cells D1:E1 are merged in the header row: unmerge them, so each column holds its own value",
    ],
  },
  {
    name: "an unknown setting",
    change: (wb) => {
      sheet(wb, "Settings").addRow(["discount rte", 0.1]);
    },
    expected: ["net.xlsx: Settings!A18: field: unknown field 'discount rte' — did you mean 'discountRate'?"],
  },
  {
    name: "a setting given twice",
    change: (wb) => {
      sheet(wb, "Settings").addRow(["horizon.end", 2040]);
    },
    expected: ["net.xlsx: Settings!A18: horizon.end: 'horizon.end' is given twice (also row 8)"],
  },
  {
    name: "values in a column without a header",
    change: (wb) => {
      sheet(wb, "Lanes").getRow(2).getCell(9).value = "stray";
    },
    expected: ["net.xlsx: Lanes!I2: column I holds values but has no header in row 1"],
  },
  {
    name: "a column given twice",
    change: (wb) => {
      sheet(wb, "Lanes").getRow(1).getCell(7).value = "mode";
    },
    expected: ["net.xlsx: Lanes!G1: mode: the column 'mode' appears twice (also column D)"],
  },
  {
    name: "a citation of an entry that does not exist",
    change: (wb) => {
      sheet(wb, "Citations").getRow(2).getCell(2).value = "casino";
    },
    expected: ["net.xlsx: Citations!B2: entry: no entry 'casino' in Plants — did you mean 'cassino'?"],
  },
  {
    name: "a citation of an unknown source",
    change: (wb) => {
      sheet(wb, "Citations").getRow(2).getCell(4).value = "asumptions";
    },
    expected: ["net.xlsx: Citations!D2: sources: unknown source 'asumptions' — did you mean 'assumptions'?"],
  },
  {
    name: "a citation in an unknown table",
    change: (wb) => {
      sheet(wb, "Citations").getRow(2).getCell(1).value = "plans";
    },
    expected: ["net.xlsx: Citations!A2: table: unknown table 'plans' — did you mean 'plants'?"],
  },
  {
    name: "shares that do not add up",
    change: set("Demand", "giulia-bev", "shares", "europe: 0.6; north-america: 0.3"),
    expected: ["net.xlsx: Demand!C2: shares: shares add up to 0.9, not 1"],
  },
  {
    name: "a volume given both by year and by growth",
    change: set("Demand", "giulia-bev", "2030", 5000),
    expected: [
      "net.xlsx: Demand!A2: volume: give the volume either in the year columns or in the growth columns, not both",
    ],
  },
  {
    name: "a policy field of another kind",
    change: (wb) => {
      sheet(wb, "Policies").addRow(["pin", "fix-allocation", undefined, "giulia-bev", "cassino", "IT"]);
    },
    expected: ["net.xlsx: Policies!F3: countries: unknown field 'countries'"],
  },
  {
    name: "a word where true or false belongs",
    change: set("Plants", "cassino", "can close", "maybe"),
    expected: [
      'net.xlsx: Plants!T2: can close: expected true or false (whether closing the plant is allowed), found the text "maybe"',
    ],
  },
  {
    name: "a date typed into a year column (shown as its day number, as Excel shows it)",
    change: set("Programs", "giulia-bev", "sop", new Date(Date.UTC(2027, 0, 1))),
    expected: [
      "net.xlsx: Programs!J2: sop: expected a number ≤ 2,200 — start of production (first full year), found 46388",
    ],
  },
  {
    name: "a sheet name with a typo",
    change: (wb) => {
      sheet(wb, "Duties").name = "Dutie";
    },
    expected: ["net.xlsx: Dutie!A1: unknown sheet 'Dutie' — did you mean 'Duties'? (its rows are not read)"],
  },
];

describe("malformed workbooks: every problem with its sheet and cell", () => {
  for (const { name, change, expected } of cases)
    it(name, async () => {
      expect(await problems(await edit(base, change))).toEqual(expected);
    });

  it("reports every problem of a workbook at once", async () => {
    const many = await edit(base, (wb) => {
      for (const { change } of cases.slice(0, 6)) change(wb);
    });
    // as for YAML, references are checked once the schema passes: the schema's and the workbook's problems here
    const cells = (await problems(many)).map((p) => p.split(": ")[1]);
    expect(cells).toEqual(["Plants!Z1", "Plants!J2", "Plants!L2", "Plants!I3"]);
  });
});

describe("files that are not workbooks, or are hostile", () => {
  const one = async (bytes: Uint8Array) => {
    const found = await problems(bytes);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it("text saved as .xlsx", async () => {
    expect(await one(new TextEncoder().encode("id,name\ncassino,Cassino\n"))).toBe(
      "net.xlsx: the file is not an .xlsx workbook (it is not a zip archive)",
    );
  });

  it("a workbook that is not a Portello scenario", async () => {
    const other = new ExcelJS.Workbook();
    other.addWorksheet("Sheet1").addRow(["plant", "capacity"]);
    const found = await problems(new Uint8Array(await other.xlsx.writeBuffer()));
    expect(found).toEqual([
      "net.xlsx: Settings!A1: the workbook has no Settings sheet (portello, id, name, horizon…): is it a Portello scenario? (portello excel export writes one to start from)",
    ]);
  });

  it("a truncated download", async () => {
    expect(await one(base.subarray(0, Math.floor(base.length / 2)))).toBe(
      "net.xlsx: the workbook is damaged: it is cut short or not a complete zip archive",
    );
  });

  it("a zip that holds no workbook", async () => {
    expect(await one(zip([{ name: "hello.txt", data: new TextEncoder().encode("hi") }]))).toBe(
      "net.xlsx: the file is a zip archive but not an .xlsx workbook (no workbook inside)",
    );
  });

  it("a damaged sheet", async () => {
    const parts = unzip(base).map((p) =>
      p.name === "xl/worksheets/sheet3.xml" ? { ...p, data: p.data.subarray(0, p.data.length - 40) } : p,
    );
    expect(await one(zip(parts))).toBe(
      "net.xlsx: the workbook is damaged: 'xl/worksheets/sheet3.xml' is not valid XML",
    );
  });

  it("a zip bomb that declares its size is refused before anything is inflated", async () => {
    const parts = unzip(base);
    const bomb = zip(parts, { declare: { "xl/worksheets/sheet3.xml": 3_900_000_000 } });
    expect(await one(bomb)).toBe(
      "net.xlsx: the workbook is too large to read: its part 'xl/worksheets/sheet3.xml' would unpack to 3719.3 MB (the limit is 256.0 MB)",
    );
  });

  it("a zip bomb that lies about its size stops at the declared size", async () => {
    const zeros = new Uint8Array(64 * 1024 * 1024); // 64 MB of zeros deflate to ~64 KB
    const parts = [...unzip(base), { name: "xl/worksheets/sheet3.xml", data: zeros }];
    const bomb = zip(
      parts.filter((p, i) => p.name !== "xl/worksheets/sheet3.xml" || i === parts.length - 1),
      { declare: { "xl/worksheets/sheet3.xml": 1000 } },
    );
    const before = process.memoryUsage().rss;
    expect(await one(bomb)).toBe(
      "net.xlsx: the workbook is damaged or hostile: 'xl/worksheets/sheet3.xml' unpacks to more than its declared 0.0 MB",
    );
    // the 64 MB were never produced (a loose bound: the test process's own noise is far below it)
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
  });
});

/** A minimal zip writer for the tests: deflated entries, optionally with lying declared sizes. */
function zip(
  parts: { name: string; data: Uint8Array }[],
  options: { declare?: Record<string, number> } = {},
) {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = Buffer.from(part.name);
    const data = deflateRawSync(part.data);
    const size = options.declare?.[part.name] ?? part.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

/** The parts of a workbook, read with Portello's zip reader. */
function unzip(bytes: Uint8Array): { name: string; data: Uint8Array }[] {
  const archive = new ZipArchive(bytes);
  return [...archive.entries.keys()].map((name) => ({ name, data: archive.read(name) }));
}
