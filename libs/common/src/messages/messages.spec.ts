import { CATALOGUE, catalogueKnows, placeholders, speak, Translator } from './index.js';

describe('the message catalogue', () => {
  it('gives each English message one Chinese, with the same values in it', () => {
    const seen = new Set<string>();
    for (const [en, zh] of CATALOGUE) {
      expect(seen.has(en) ? `${en} is in the catalogue twice` : en).toBe(en);
      seen.add(en);
      expect([...placeholders(zh)].sort()).toEqual([...placeholders(en)].sort());
      // Chinese in the Chinese column: a message left in English there would read as translated.
      expect(zh).toMatch(/[\u4e00-\u9fff\uff01-\uff1f]/);
    }
  });

  it('speaks a message whole, looking up each value it carries', () => {
    expect(speak('request 42 not found', 'zh-CN')).toBe('未找到办件 42');
    expect(speak('request 42 not found', 'en')).toBe('request 42 not found');
    expect(
      speak(
        'request GX20261129000001 is supplement_required (waiting for a supplement asked at intake): cannot accept it',
        'zh-CN',
      ),
    ).toBe('办件 GX20261129000001 当前为待补正（正在等待受理时提出的补正），不能受理');
    expect(
      speak(
        'materials.1.code: code must be 1-32 capital letters, digits, hyphens or underscores, starting with a letter or digit',
        'zh-CN',
      ),
    ).toBe('materials.1.code：code 必须为1 至 32 个大写字母、数字、连字符或下划线，以字母或数字开头');
  });

  it('leaves a message it does not know as written, and never half translated', () => {
    expect(speak('something new happened', 'zh-CN')).toBe('something new happened');
    expect(catalogueKnows('something new happened')).toBe(false);
    // "{field} must be {ruleText}" needs the rule's words in the catalogue too.
    expect(speak('name must be something unheard of', 'zh-CN')).toBe('name must be something unheard of');
    expect(catalogueKnows('limit must be between 1 and 5000')).toBe(true);
    // A key written twice is quoted as sent, spaces and line breaks included.
    expect(speak('request body has the key "a b\\r\\nc" twice in form: send each key once', 'zh-CN')).toBe(
      '请求内容在 form 中的键 "a b\\r\\nc" 出现了两次：每个键只能出现一次',
    );
  });

  it('tries the most specific entry first, whatever the order of the catalogue', () => {
    const translator = new Translator([
      ['{what} not found', '未找到{what}'],
      ['published item {code} not found', '没有已发布的一件事 {code}'],
    ]);
    expect(translator.translate('published item X not found', 'zh-CN')).toBe('没有已发布的一件事 X');
    expect(translator.translate('hall H not found', 'zh-CN')).toBe('未找到hall H');
  });
});
