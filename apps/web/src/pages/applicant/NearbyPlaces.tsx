import { AimOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { Button, Card, Empty, List, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useLoad } from '../../components/useLoad';
import { useT } from '../../i18n';
import type { MessageKey } from '../../locales/zh-CN';

/** Where the search starts when the browser gives no location: the zone's service centre (苏州工业园区). */
export const ZONE_POINT = { lat: 31.3235, lng: 120.7152 };
const RADIUS_KM = 5;

type Origin = { lat: number; lng: number; mine: boolean };

/**
 * 附近的办事地点 (一刻钟政务服务圈): the places within 5 km that take the chosen item, nearest first,
 * with the distance and whether they are open now, around the browser's location or the zone's centre.
 */
export function NearbyPlaces({ items }: { items: { code: string; name: string }[] }) {
  const t = useT();
  const [itemCode, setItemCode] = useState<string | undefined>(undefined);
  const [origin, setOrigin] = useState<Origin>({ ...ZONE_POINT, mine: false });
  const [denied, setDenied] = useState(false);
  const [locating, setLocating] = useState(false);
  const chosen = itemCode ?? items[0]?.code;
  const { data, loading, error } = useLoad(
    async () =>
      unwrap(
        await api.GET('/api/v1/halls/nearby', {
          params: { query: { lat: origin.lat, lng: origin.lng, itemCode: chosen, radiusKm: RADIUS_KM } },
        }),
      ),
    [origin.lat, origin.lng, chosen],
  );
  const locate = () => {
    if (!('geolocation' in navigator)) {
      setDenied(true);
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLocating(false);
        setDenied(false);
        setOrigin({ lat: position.coords.latitude, lng: position.coords.longitude, mine: true });
      },
      () => {
        setLocating(false);
        setDenied(true);
        setOrigin({ ...ZONE_POINT, mine: false });
      },
      { timeout: 10_000, maximumAge: 60_000 },
    );
  };
  const distance = (meters: number) =>
    meters < 1000 ? t('nearby.meters', { n: meters }) : t('nearby.kilometres', { n: (meters / 1000).toFixed(1) });
  return (
    <Card
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="nearby-panel"
      title={
        <Space>
          <EnvironmentOutlined />
          {t('nearby.title')}
        </Space>
      }
      extra={
        <Button icon={<AimOutlined />} onClick={locate} loading={locating} data-testid="nearby-locate">
          {t('nearby.useLocation')}
        </Button>
      }
    >
      {/* The item's name may be longer than a phone is wide: the choice shrinks to the card and ends in an ellipsis. */}
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 8, marginBottom: 8 }}>
        <Select
          style={{ flex: '1 1 220px', minWidth: 0, maxWidth: 420 }}
          aria-label={t('nearby.item')}
          value={chosen}
          onChange={setItemCode}
          options={items.map((i) => ({ value: i.code, label: i.name }))}
          data-testid="nearby-item"
        />
        <Typography.Text type="secondary" data-testid="nearby-origin" data-mine={origin.mine ? 'true' : 'false'}>
          {t('nearby.from', { where: origin.mine ? t('nearby.myLocation') : t('nearby.zonePoint') })}
        </Typography.Text>
      </div>
      {denied ? (
        <Typography.Paragraph type="warning" data-testid="nearby-denied">
          {t('nearby.locationDenied')}
        </Typography.Paragraph>
      ) : null}
      {error}
      <List
        loading={loading}
        data-testid="nearby-list"
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty description={t('nearby.none', { km: RADIUS_KM })} /> }}
        renderItem={(place) => (
          <List.Item
            data-testid={`nearby-place-${place.code}`}
            data-open={place.openNow ? 'true' : 'false'}
            extra={
              <Space direction="vertical" align="end" size={2}>
                <strong data-testid="nearby-distance">{distance(place.distanceMeters)}</strong>
                {place.openNow ? <Tag color="green">{t('nearby.open')}</Tag> : <Tag>{t('nearby.closed')}</Tag>}
              </Space>
            }
          >
            <List.Item.Meta
              title={
                <Space wrap size={4}>
                  {place.name}
                  <Tag>{t(`nearby.level.${place.level}` as MessageKey)}</Tag>
                </Space>
              }
              description={place.address}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
