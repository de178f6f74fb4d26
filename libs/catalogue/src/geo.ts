/**
 * The geometry of the nearby search (一刻钟政务服务圈): a radius around a WGS-84 point, the box the
 * spatial index is asked for, and the distance on a sphere the database computes exactly after it.
 */

/** The mean Earth radius (IUGG), the sphere ST_Distance_Sphere is given. */
export const EARTH_RADIUS_METERS = 6_371_008.8;
/** 5 km: a 15-minute walk or a short ride; 50 km at most. */
export const DEFAULT_NEARBY_RADIUS_KM = 5;
export const MAX_NEARBY_RADIUS_KM = 50;
export const MIN_NEARBY_RADIUS_KM = 0.1;
export const NEARBY_RADIUS_RULE = `radiusKm must be from ${MIN_NEARBY_RADIUS_KM} to ${MAX_NEARBY_RADIUS_KM} (kilometres)`;
export const DEFAULT_NEARBY_LIMIT = 20;
export const MAX_NEARBY_LIMIT = 50;

export interface LatLng {
  lat: number;
  lng: number;
}

export interface BoundingBox {
  minLat: number;
  maxLat: number;
  minLng: number;
  maxLng: number;
}

const degrees = (radians: number) => (radians * 180) / Math.PI;
const radians = (deg: number) => (deg * Math.PI) / 180;

/**
 * The smallest latitude/longitude box that holds every point within `radiusMeters` of `centre`
 * (on the sphere; a little wider, for rounding). A box that would reach a pole or cross the 180th
 * meridian takes every longitude: still a superset, so no place is ever missed.
 */
export function boundingBox(centre: LatLng, radiusMeters: number): BoundingBox {
  const angular = (radiusMeters / EARTH_RADIUS_METERS) * 1.0001;
  const dLat = degrees(angular);
  const minLat = centre.lat - dLat;
  const maxLat = centre.lat + dLat;
  if (minLat <= -90 || maxLat >= 90) {
    return { minLat: Math.max(minLat, -90), maxLat: Math.min(maxLat, 90), minLng: -180, maxLng: 180 };
  }
  const dLng = degrees(Math.asin(Math.min(1, Math.sin(angular) / Math.cos(radians(centre.lat)))));
  const minLng = centre.lng - dLng;
  const maxLng = centre.lng + dLng;
  if (minLng < -180 || maxLng > 180) return { minLat, maxLat, minLng: -180, maxLng: 180 };
  return { minLat, maxLat, minLng, maxLng };
}

/** The box as WKT, x the longitude and y the latitude (the order of hall_locations' points). */
export function boxPolygon({ minLat, maxLat, minLng, maxLng }: BoundingBox): string {
  const corners = [
    [minLng, minLat],
    [maxLng, minLat],
    [maxLng, maxLat],
    [minLng, maxLat],
    [minLng, minLat],
  ];
  return `POLYGON((${corners.map(([x, y]) => `${x} ${y}`).join(', ')}))`;
}
