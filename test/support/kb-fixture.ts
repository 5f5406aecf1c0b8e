// A small multilingual knowledge base written for the tests: three topics, each in English, Spanish, Russian and
// Chinese, linked as translations, each with the ways customers ask it.
import type { Db } from '../../src/db/client.js';
import { importJsonl } from '../../src/kb/transfer.js';

interface Topic {
  key: string;
  url: string;
  byLanguage: Record<'en' | 'es' | 'ru' | 'zh', { title: string; body: string; examples: string[] }>;
}

export const TOPICS: Topic[] = [
  {
    key: 'password',
    url: 'https://help.shop.test/password',
    byLanguage: {
      en: { title: 'Reset your password', body: '## Steps\nOpen Sign in, choose "Forgot password" and follow the link we email you.', examples: ['I forgot my password', 'cannot log in to my account', 'how do I reset my password', 'the password reset link does not work'] },
      es: { title: 'Restablecer la contraseña', body: '## Pasos\nAbra Iniciar sesión, elija "Olvidé mi contraseña" y siga el enlace.', examples: ['olvidé mi contraseña', 'no puedo iniciar sesión en mi cuenta', 'cómo restablezco mi contraseña', 'el enlace para cambiar la contraseña no funciona'] },
      ru: { title: 'Как сбросить пароль', body: '## Шаги\nОткройте вход, выберите «Забыли пароль» и перейдите по ссылке из письма.', examples: ['я забыл пароль', 'не могу войти в аккаунт', 'как сбросить пароль', 'ссылка для сброса пароля не работает'] },
      zh: { title: '重置密码', body: '## 步骤\n打开登录页面，选择“忘记密码”，然后点击邮件中的链接。', examples: ['我忘记了密码', '无法登录我的账户', '如何重置密码', '重置密码的链接无效'] },
    },
  },
  {
    key: 'delivery',
    url: 'https://help.shop.test/delivery',
    byLanguage: {
      en: { title: 'Where is my order?', body: 'Orders ship within 2 days. Track your parcel with the tracking number in your confirmation email.', examples: ['my order has not arrived', 'where is my parcel', 'tracking number for my package', 'delivery is late'] },
      es: { title: '¿Dónde está mi pedido?', body: 'Los pedidos se envían en 2 días. Siga su paquete con el número de seguimiento.', examples: ['mi pedido no ha llegado', 'dónde está mi paquete', 'número de seguimiento de mi pedido', 'el envío se retrasa'] },
      ru: { title: 'Где мой заказ?', body: 'Заказы отправляются в течение 2 дней. Отслеживайте посылку по трек-номеру.', examples: ['мой заказ не пришёл', 'где моя посылка', 'трек-номер моего заказа', 'доставка задерживается'] },
      zh: { title: '我的订单在哪里？', body: '订单在两天内发货。请使用确认邮件中的运单号跟踪包裹。', examples: ['我的订单还没到', '我的包裹在哪里', '我的订单运单号', '快递延迟了'] },
    },
  },
  {
    key: 'refund',
    url: 'https://help.shop.test/refund',
    byLanguage: {
      en: { title: 'Refunds and returns', body: 'Return an item within 30 days for a full refund. Refunds reach your card in 5 business days.', examples: ['I want a refund', 'how do I return an item', 'when will I get my money back', 'refund for a damaged product'] },
      es: { title: 'Reembolsos y devoluciones', body: 'Devuelva un artículo en 30 días para un reembolso completo.', examples: ['quiero un reembolso', 'cómo devuelvo un artículo', 'cuándo recibiré mi dinero', 'reembolso por un producto dañado'] },
      ru: { title: 'Возврат денег и товара', body: 'Верните товар в течение 30 дней, чтобы получить полный возврат денег.', examples: ['хочу вернуть деньги', 'как вернуть товар', 'когда мне вернут деньги', 'возврат за повреждённый товар'] },
      zh: { title: '退款和退货', body: '30天内退货可获得全额退款。退款将在5个工作日内退回您的银行卡。', examples: ['我想要退款', '如何退货', '我什么时候能拿回我的钱', '商品损坏要求退款'] },
    },
  },
];

export const LANGUAGES = ['en', 'es', 'ru', 'zh'] as const;
export const articleIdOf = (topic: string, language: string) => `${topic}-${language}`;

export function fixtureJsonl(): string {
  return TOPICS.flatMap((t) =>
    LANGUAGES.map((lang) => JSON.stringify({
      id: articleIdOf(t.key, lang), ...t.byLanguage[lang], language: lang, tags: [t.key], url: `${t.url}?lang=${lang}`, translation_group: t.key,
    })),
  ).join('\n');
}

/** Imports the fixture: published, translations linked by topic. */
export async function loadFixtureKb(db: Db): Promise<void> {
  const result = await importJsonl(db, fixtureJsonl(), { by: 'test' });
  if (result.failed.length) throw new Error(`fixture import failed: ${JSON.stringify(result.failed)}`);
}
