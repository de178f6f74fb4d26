import fc from 'fast-check';
import { boundingBox, EARTH_RADIUS_METERS } from './geo.js';

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** The point `meters` away on `bearing` (the sphere's direct problem), longitude kept within ±180. */
function destination(lat: number, lng: number, bearing: number, meters: number) {
  const d = meters / EARTH_RADIUS_METERS;
  const [p1, l1, b] = [rad(lat), rad(lng), rad(bearing)];
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return { lat: deg(p2), lng: ((deg(l2) + 540) % 360) - 180 };
}

describe('the bounding box of a nearby search', () => {
  it('holds every point of the circle, wherever the centre (poles and the 180th meridian included)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -89.9, max: 89.9, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0, max: 360, noNaN: true }),
        fc.double({ min: 100, max: 50_000, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (lat, lng, bearing, radius, share) => {
          const box = boundingBox({ lat, lng }, radius);
          const p = destination(lat, lng, bearing, radius * share);
          expect(p.lat).toBeGreaterThanOrEqual(box.minLat);
          expect(p.lat).toBeLessThanOrEqual(box.maxLat);
          expect(p.lng).toBeGreaterThanOrEqual(box.minLng);
          expect(p.lng).toBeLessThanOrEqual(box.maxLng);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is tight around an ordinary point: 5 km at 31.3°N is about ±0.045° of latitude and ±0.053° of longitude', () => {
    const box = boundingBox({ lat: 31.3, lng: 120.7 }, 5000);
    expect(box.maxLat - 31.3).toBeCloseTo(0.045, 3);
    expect(box.maxLng - 120.7).toBeCloseTo(0.0527, 3);
  });
});
