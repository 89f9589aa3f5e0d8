import { describe, expect, it } from "vitest";
import * as format from "../src/format";

describe("countdown", () => {
  it("shows minutes and seconds, never negative", () => {
    expect(format.countdown(299.2)).toBe("5:00");
    expect(format.countdown(59)).toBe("0:59");
    expect(format.countdown(-3)).toBe("0:00");
  });
});

describe("the window formats no time words", () => {
  it("has nothing but the countdown (times come from the core's status.times)", () => {
    expect(Object.keys(format)).toEqual(["countdown"]);
  });
});
