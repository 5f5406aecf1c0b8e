// The words that send a case to humans, in the eight supported languages. Data only: the matching lives in
// escalation.ts. Extend freely; the tests in escalation.test.ts guard the false positives that matter.
//
// Entry syntax (the same for operators' extraPhrases, where everything except `*` and `~` is taken literally):
// - Text is normalised before matching, and so are entries: lower case, accents removed (é→e, ü→u, ç→c, ё→е,
//   й→и), ß→ss, typographic apostrophes → ', full-width forms → ASCII. Write entries in lower case; accents are
//   optional. An apostrophe is optional in the text ("don't" also matches "dont").
// - Entries match whole words (a word never matches inside a longer word), except Chinese, which has no spaces
//   and matches anywhere.
// - A space stands for any run of whitespace. `~` (a word of its own) stands for up to three other words.
//   `*` at the end of a word stands for any ending ("abogad*" = abogado, abogada, abogados).
// - Built-in entries are otherwise regular expressions: (a|b) alternatives (spaces inside are fine), `?` for an
//   optional part, e.g. "(the )?(previous|prior) instructions". Avoid `.` and `*` as regex operators (write
//   `{0,}`), and Unicode property classes (\p{L}: slow to compile; the engine adds word boundaries itself).
// - All entries of a reason are compiled into one regular expression (escalation.ts), so a new entry costs
//   almost nothing at run time.
//
// Every language's lexicon is applied to every message: short messages are often mis-detected and customers mix
// languages. So an entry must not be an innocent word in another of the eight languages.
import type { PhraseReasonCode } from './escalation-rules.js';
import type { SupportedLanguage } from './language.js';

export type LexiconLanguage = SupportedLanguage | 'any';
export type PhraseLexicon = Partial<Record<LexiconLanguage, string[]>>;

/** An e-mail address, for "send this to <address>". */
const ADDRESS = '[a-z0-9._%+-]+@[a-z0-9-]+(\\.[a-z0-9-]+)+';

/** Phrase reasons other than negative sentiment (which is scored, see SENTIMENT). */
export const PHRASES: Record<Exclude<PhraseReasonCode, 'negative_sentiment'>, PhraseLexicon> = {
  asks_for_human: {
    // Italian, Dutch and Polish have no lexicon of their own yet: a call-back request is the commonest way they ask.
    any: ['(richiamatemi|richiamarmi|essere richiamat*|chiamatemi)', '(bel me|mij (terug)?bellen|mij terugbellen)', '(zadzwoń|zadzwońcie) do mnie'],
    en: [
      '(talk|speak|chat) (to|with) ~ (person|human|humans|human being|someone|somebody|agent|representative|rep|manager|supervisor|operator|staff member|employee|advisor|adviser)',
      '(real|actual|live) (person|human|agent|human being|people)',
      'human (agent|support|representative|operator|assistance|contact)',
      '(transfer|connect|put) me (to|with|through)',
      '(i|we) (want|need|demand|would like) (a|an|to see a) (human|person|real person|manager|supervisor)',
      '(stop|no more) (automated|automatic|bot|canned) (replies|responses|answers|messages)',
      'escalate (this|my|the) (issue|case|ticket|complaint|request|matter|problem)',
      '(please )?escalate this',
      '(call me back|give me a call|phone me|ring me)',
      '(someone|somebody|you) (to )?(call|phone|ring) me',
      '(rather|prefer to) (talk|speak) (on|by|over) the phone',
    ],
    es: [
      'hablar con ~ (persona|humano|alguien|agente|operador|operadora|representante|asesor|asesora|supervisor|supervisora|encargado|encargada|responsable|gerente|empleado|ser humano)',
      '(persona|agente|operador|operadora) (real|humano|humana|de verdad)',
      'ser humano',
      'atencion (humana|personalizada)',
      '(quiero|necesito|exijo) (un|una|a un|a una) (humano|persona real|supervisor|gerente|encargado)',
      '(paseme|pasame|comuniqueme|comunicame|transfierame|transfiereme|comunicarme) con',
      '(llamenme|llameme|llamame)',
      '(llamadme|que (alguien|alguno) me llame|prefiero hablar por telefono)',
    ],
    pt: [
      'falar com ~ (pessoa|humano|alguem|atendente|agente|operador|operadora|representante|gerente|supervisor|supervisora|responsavel|ser humano|funcionario)',
      '(pessoa|atendente|agente) (real|humano|humana|de verdade)',
      'atendimento (humano|humanizado)',
      'ser humano',
      '(quero|preciso|exijo) (um|uma) (humano|pessoa real|atendente|gerente|supervisor)',
      'me (transfira|transfere|passe|passa|coloque) (para|com)',
      '(me liguem|me ligue|me liga)',
    ],
    ru: [
      '(поговорить|говорить|пообщаться|связаться|связать|соединить|соедините|свяжите|переключите|переключить) (меня )?(с|со) ~ (человек*|оператор*|менеджер*|специалист*|сотрудник*|живым|кем-нибудь|кем-то|руководител*|консультант*)',
      'жив(ой|ым|ого|ому) (человек*|оператор*|сотрудник*)',
      '(позовите|позови|дайте|дай) (мне )?(оператора|человека|менеджера|специалиста|сотрудника|руководителя)',
      '(нужен|нужна|хочу|требую) (живой |живого )?(оператор|оператора|менеджер|менеджера|человек|человека|специалист|специалиста)',
      '(перезвоните|позвоните) мне',
    ],
    zh: [
      '(人工客服|人工服务|人工服務|人工坐席|人工支持|转人工|轉人工|找人工|接人工|真人客服)',
      '(和|跟|与|與|同)(一个|一個|一位|一名)?(真人|人工|人|客服人员|客服人員|工作人员|工作人員|经理|經理|主管|客服)(交谈|交談|说话|說話|沟通|溝通|通话|通話|聊天|聊|谈谈|談談|谈|談|联系|聯繫)',
      '(我要|我想要|我需要|请给我|請給我)(找)?(一个|一個|一位)?(真人|人工|经理|經理|主管)',
      '(回电|回電|给我打电话|給我打電話)',
    ],
    de: [
      'mit ~ (person|mensch|menschen|mitarbeiter|mitarbeiterin|mitarbeitenden|berater|beraterin|sachbearbeiter|sachbearbeiterin|jemandem|vorgesetzten|kundenberater|kundenberaterin|agenten|verantwortlichen|ansprechpartner|ansprechpartnerin) ~ (sprechen|reden|telefonieren|verbunden|verbinden)',
      '(echte|echten|echter|echtes|realen|reale) (person|mensch|menschen|mitarbeiter|mitarbeiterin)',
      'menschlich* (ansprechpartner*|mitarbeiter*|berater*|kontakt|support|unterstutzung)',
      '(verbinden sie mich|leiten sie mich) ~ (weiter|mit)',
      '(rufen sie mich|ruft mich) ~ (an|zuruck)',
      '(ich will|ich mochte|ich brauche|ich verlange) (einen|eine|mit einem|mit einer)? (menschen|echte person|vorgesetzten)',
    ],
    fr: [
      '(me rappeler|rappelez(-| )moi|de vive voix)',
      "parler (a|avec) ~ (personne|humain|quelqu'un|agent|conseiller|conseillere|responsable|operateur|operatrice|interlocuteur|interlocutrice|superieur|manager|employe|etre humain)",
      '(vraie|veritable) personne',
      'etre humain',
      '(conseiller|interlocuteur|agent|contact) humain',
      '(mettez|passez|transferez)(-| )moi ~ (avec|en relation|en contact)',
      '(rappelez|appelez)(-| )moi',
    ],
    id: [
      '(bicara|berbicara|ngobrol|berbincang|terhubung|dihubungkan|disambungkan|hubungkan saya|sambungkan saya) (dengan|ke|sama) ~ (orang|manusia|agen|petugas|operator|staf|staff|cs|seseorang|manajer|supervisor|atasan|perwakilan|admin)',
      '(orang|manusia|agen|petugas) (sungguhan|asli|nyata|beneran)',
      'agen manusia',
      '(saya|aku) (mau|ingin|butuh|perlu|minta) ~ (manusia|orang sungguhan|agen manusia|petugas|operator|manajer|supervisor)',
      '(telepon|telpon) saya',
    ],
  },

  complaint: {
    en: [
      '(complaint|complaints|complain|complaining)',
      '(report|reporting) (you|this|your company) to',
      '(leave|write|post|give) (you )?(a|an)? (negative|bad|1-star|one-star|one star) (review|rating)',
      'trustpilot',
      '(customer service|support|service) is (useless|terrible|awful|a joke|a disgrace|the worst)',
      'not a (great|good) experience',
    ],
    any: ['(slechte ervaring|slechte service|er helemaal klaar mee)', '(fatalna obsługa|jestem (bardzo )?rozczarowan*)', '(pessima esperienza|servizio pessimo|sono (molto )?delus*)'],
    es: [
      '(queja|quejas|quejarme|quejarnos|me quejo)',
      '(reclamacion|reclamaciones|reclamo formal)',
      '(hoja|libro) de reclamaciones',
      '(mala|pesima|negativa) (resena|opinion|calificacion|valoracion)',
    ],
    pt: [
      '(reclamacao|reclamacoes|quero reclamar|vou reclamar|queixa|queixas)',
      '(reclame aqui|reclameaqui)',
      '(avaliacao|nota) (negativa|pessima)',
    ],
    ru: ['жалоб*', '(пожаловаться|пожалуюсь|жалуюсь)', 'претензи*', '(плохой|негативный) отзыв'],
    zh: ['(投诉|投訴|抱怨|差评|差評)'],
    de: ['beschwerde*', '(beschweren|beschwere mich)', '(schlechte|negative) (bewertung|rezension)', '(bin|sind) (wirklich |sehr |total |echt )?enttausch*'],
    fr: ['(plainte|plaintes|reclamation|reclamations)', '(me plaindre|je me plains)', '(mauvais|mauvaise|negatif|negative) (avis|commentaire|note)'],
    id: ['(keluhan|komplain|komplen|mengeluh|pengaduan|aduan)', '(ulasan|review) (buruk|negatif|jelek)'],
  },

  legal_threat: {
    any: ['(terugboek*|consumentenbond|advocaat)', '(chargeback|storno (della|sulla) carta|avvocato)'],
    en: [
      '(my|our) (lawyer|lawyers|attorney|attorneys|solicitor|solicitors|barrister|legal team|legal counsel|legal department)',
      '(contact|consult|call|get|hire|involve|instruct|speak to|talk to|see) (a|an|my|our) (lawyer|attorney|solicitor|legal counsel)',
      'legal (action|steps|proceedings|measures|recourse)',
      '(lawsuit|law suit|class action|small claims|cease and desist|letter before action)',
      "(will|'ll|going to|gonna|shall|intend to|plan to|could|can|would) sue",
      'sue (you|your|the company|them|you guys)',
      'suing (you|your)',
      '(take|taking|drag|dragging) (you|this|the matter|your company|it) to court',
      '(see you in court|court (case|action|order|proceedings))',
      '(consumer (protection|ombudsman|authority|agency|council|affairs)|ombudsman|trading standards|better business bureau|attorney general)',
      '(report|reporting) (you|this|your company|it) to the (police|authorities|regulator|ftc|fca|cfpb|bbb)',
    ],
    es: [
      '(mi|mis|nuestro|nuestros|con un|con mi|a un|a mi|al) abogad*',
      'demandar*',
      '(poner|presentar|interponer|meter|iniciar|pondre|presentare|interpondre|metere) ~ demanda',
      'demanda (judicial|legal|contra)',
      '(acciones|accion|medidas|via) (legales|legal|judicial|judiciales)',
      '(tribunal|tribunales|juzgado|juzgados)',
      '(poner|presentar|interponer|pondre|presentare) ~ denuncia',
      '(oficina|asociacion|defensa) ~ consumidor*',
      '(omic|facua|profeco)',
    ],
    pt: [
      '(meu|meus|nosso|nossos|com um|com meu|ao meu|o meu) advogad*',
      '(vou|irei|vamos|iremos) processar',
      'processar (voces|vcs|a empresa|a loja|essa empresa|esta empresa)',
      'processo (judicial|na justica)',
      '(acao|acoes|medidas) (judicial|judiciais|legal|legais)',
      '(entrar|ir|recorrer) (na|a) justica',
      '(tribunal|juizado|pequenas causas)',
      '(procon|consumidor gov)',
    ],
    ru: [
      '(суд|суда|суде|суду|судом)',
      'судебн*',
      '(иск|иска|иском|иски)',
      '(юрист|юриста|юристу|юристом|юристы|юристов|адвокат*)',
      'прокуратур*',
      'роспотребнадзор*',
      'защит* прав потребител*',
      'правов* (меры|мер|последств*)',
    ],
    zh: [
      '(律师|律師|起诉|起訴|法院|诉讼|訴訟|打官司|仲裁)',
      '法律(途径|途徑|手段|行动|行動|程序|责任|責任)',
      '(告你们|告你們|消协|消協|消费者协会|消費者協會|12315)',
    ],
    de: [
      '(anwalt*|anwaltin|rechtsanwalt*)',
      '(verklagen|verklage|verklagt)',
      '(eine|die|meine) klage',
      'klage einreichen',
      '(vor gericht|gerichtlich*|gerichtsverfahren)',
      '(rechtliche|juristische|rechtlichen|juristischen) schritte',
      '(verbraucherzentrale|verbraucherschutz*|schlichtungsstelle|mahnbescheid)',
    ],
    fr: [
      '(mon|mes|notre|nos) avocat*',
      '(contacter|consulter|saisir|prendre) (un|mon) avocat',
      'poursuite* (judiciaire*|en justice)',
      'poursuivre ~ (en justice|devant)',
      '(en|la) justice',
      '(tribunal|tribunaux)',
      '(porter|deposer|deposerai|porterai) (une )?plainte',
      '(action en justice|mise en demeure|procedure judiciaire|huissier)',
      '(que choisir|dgccrf|association de consommateurs|mediateur)',
    ],
    id: [
      '(pengacara|kuasa hukum)',
      '(menuntut|tuntut) (kalian|anda|perusahaan|toko)',
      '(gugat|menggugat|gugatan)',
      'pengadilan',
      '(jalur|proses|ranah|tindakan|langkah) hukum',
      'lapor* (ke )?polisi',
      '(ylki|bpsk|somasi|perlindungan konsumen)',
    ],
  },

  cancellation_threat: {
    en: [
      "(i'll|i will|i'm going to|i am going to|i'm gonna|we'll|we will|we're going to|we are going to|i shall|otherwise i|otherwise i'll|otherwise i will|or i'll|or i will|or else i'll|or else i will|or we'll|or we will)( (definitely|just|simply|seriously|immediately|probably|have to|be forced to))? (cancel|close|terminate|end|quit) (my|our|the|this) (account|subscription|contract|membership|plan|service|policy|card)",
      "(i'm|i am|we're|we are) (cancelling|canceling|closing|terminating|ending) (my|our) (account|subscription|contract|membership|plan|service|policy)",
      '(take|taking) (my|our) (business|money|custom) (elsewhere|somewhere else)',
      '(switch|switching|move|moving|go|going) to (a|your|another) ~ (competitor|competitors)',
      "(never|won't ever|will never) (buy|order|shop|purchase) ~ again",
      "(you've|you have|you just) lost (a|another|one) (loyal )?customer",
      "(i'm|i am) done with (you|your)",
      '(last|final) (chance|warning)',
    ],
    es: [
      '(voy a|vamos a|pienso|tendre que|o|si no|sino) (cancelar|anular|rescindir) ~ (cuenta|suscripcion|contrato|servicio|membresia|plan|tarjeta|poliza)',
      '(voy a|vamos a|pienso|tendre que) (darme de baja|darnos de baja|dar de baja|cerrar mi cuenta)',
      '(cancelare|rescindire|me dare de baja|nos daremos de baja|cerrare mi cuenta)',
      '(si no|sino|o) ~ (cancelo|me doy de baja|rescindo)',
      'me (voy|paso|cambio) a la competencia',
      '(cambiarme|me cambio|me cambiare|nos cambiamos) de (compania|empresa|proveedor|banco|operador|operadora)',
      '(nunca mas|jamas) (compro|comprare|volvere a comprar|pido|pedire|usare)',
      '(han|habeis|acaban de) perd(ido|er) (a )?un cliente',
      '(ultima oportunidad|ultimo aviso)',
    ],
    pt: [
      '(vou|vamos|irei|terei que|tenho que|ou|senao) (cancelar|encerrar|rescindir) ~ (assinatura|conta|contrato|plano|servico|cartao|tudo)',
      '(cancelarei|encerrarei|rescindirei)',
      '(vou|irei|vamos) (para|pra) (a )?concorrencia',
      '(vou|vamos) (trocar|mudar) de (operadora|empresa|banco|fornecedor|loja)',
      '(nunca mais|jamais) (compro|comprarei|vou comprar|uso|peco|vou pedir)',
      '(perderam|acabaram de perder) um cliente',
      '(ultima chance|ultimo aviso)',
    ],
    ru: [
      '(откажусь|отказываюсь) от (ваших )?(услуг|подписки|сервиса)',
      '(расторгну|расторгаю|расторгнем) ~ (договор|контракт)',
      '(закрою|закрываю) ~ (счет|аккаунт|карту)',
      '(уйду|ухожу|перейду|перехожу) (к|в) ~ (конкурент*|другому|другой|другую)',
      '(отменю|отменяю) ~ подписк*',
      '(больше никогда|никогда больше) не ~ (куплю|закажу|буду|обращусь|воспользуюсь)',
      'потеряли (клиента|покупателя)',
      '(последний шанс|последнее предупреждение)',
      'буду вынужден* ~ (расторгнуть|отказаться|закрыть|отменить|уйти)',
    ],
    zh: [
      '(我会|我會|我将|我將|我就|否则|否則|不然|要不然|我决定|我決定)(就|会|會|将|將|要)?(取消|注销|注銷|退订|退訂|解约|解約|终止|終止|销户|銷戶)',
      '再也不(买|買|用|来|來|会|會)',
      '(换|換)(一)?家',
      '(去|找)别家',
      '(转投|轉投|投奔)',
      '最后(一次)?机会',
    ],
    de: [
      '(werde|werden) ~ kundigen',
      '(ich kundige|kundige ich|wir kundigen|kundigen wir)',
      '(sonst|andernfalls|ansonsten) ~ (kundige|kundigen|wechsle|wechseln)',
      '(wechsle|wechsel|wechseln|gehe|gehen) ~ (zur|zu der|zu einem|zum) (konkurrenz|mitbewerber|wettbewerber)',
      'nie wieder ~ (bestellen|kaufen|bestelle|kaufe)',
      'kunden verloren',
      'letzte (chance|warnung)',
    ],
    fr: [
      '(je vais|nous allons|on va|je compte|sinon je|sinon nous|ou je) ~ (resilier|me desabonner|me desinscrire)',
      '(je vais|nous allons|on va|je compte|sinon je|sinon nous|ou je) ~ (annuler|fermer|cloturer) (mon|ma|mes|notre|nos) (abonnement|compte|contrat|carte|forfait)',
      '(je resilie|je resilierai|nous resilions|je me desabonnerai|je me desabonne)',
      '(aller|partir|passer|je passe) (chez|a) la concurrence',
      'chez un concurrent',
      '(plus jamais|jamais plus) ~ (commander|acheter|commanderai|acheterai|chez vous)',
      'perdu un client',
      '(derniere chance|dernier avertissement)',
    ],
    id: [
      '(akan|bakal) ~ (batalkan|membatalkan|berhenti|tutup|menutup|putuskan|memutuskan) ~ (langganan|akun|kontrak|layanan|kartu|keanggotaan|berlangganan)',
      '(pindah|beralih) ke ~ (kompetitor|pesaing)',
      '(tidak|gak|nggak|ga) akan (beli|belanja|pesan|order|pakai|menggunakan) ~ lagi',
      'kehilangan (seorang )?pelanggan',
      '(kesempatan|peringatan) terakhir',
      '(kalau tidak|jika tidak|kalau nggak|kalau gak) ~ (batalkan|berhenti langganan|tutup akun)',
    ],
  },

  // Instructions aimed at an AI or at the system, not at a person: a language model drafting the reply must never
  // follow them, and an agent should see them. Deliberately narrow: customers do write "ignore my previous
  // message" and "please send the invoice to x@y".
  prompt_injection: {
    any: [
      '#{2,}\\s{0,}(system|assistant|instruction|instructions)',
      '<\\|(im_start|im_end|system|user|assistant|endoftext)\\|>',
      '\\[/?inst\\]',
      '<</?sys>>',
      '\\[(system|assistant)\\]',
      '(begin|end) (of )?(system|hidden) (prompt|instructions)',
      // a customer's fake end of their own text, then orders: the fence our prompts put around untrusted text
      '(end of (the )?(customer|user|client) (message|email|text|input)|fin del mensaje|ende der (kunden)?nachricht|fin du message|fim da mensagem)',
      'ignora (tutte )?(le )?istruzioni',
      '<!-- ?(assistant|system|ai)',
    ],
    en: [
      '(ignore|disregard|forget|override|bypass) (all|any|every|your) ~ (instructions|prompts|rules|directives|guidelines|programming)',
      '(ignore|disregard|forget|override) (the )?(previous|prior|above|earlier|preceding|foregoing|system) (instructions|prompts|prompt|directives)',
      "(you are|you're) now (a|an|the|my) ~ (assistant|ai|bot|chatbot|model|gpt|llm|character|persona)",
      "(you are|you're) now (in )?(dan|unrestricted|jailbroken|developer mode|god mode|admin mode)",
      "from now on (you are|you're|you will act|act as)",
      '(act|behave) as (if you (were|are) )?(an? )?(unfiltered|unrestricted|jailbroken|uncensored|evil|dan|ai|chatbot|language model|llm|gpt)',
      "pretend (to be|you are|you're) ~ (ai|assistant|bot|chatbot|model|dan|unrestricted|unfiltered|jailbroken)",
      '(system|developer|hidden) (prompt|prompts|instructions)',
      '(initial|original) prompt',
      '(jailbreak|developer mode|dan mode)',
      // customers ask "tell me your instructions for returns": only unusual verbs, or AI-only nouns
      '(reveal|print|output|leak|dump) ~ your ~ (instructions|prompt|prompts|system prompt|programming|configuration|directives)',
      '(show|display|tell|give|share|repeat)( me)? your (prompt|prompts|programming|initial instructions|original instructions|system instructions|hidden instructions|secret instructions)',
      'what (are|were) your (initial|original|system|hidden|secret) (instructions|prompt)',
      '(note|message|instructions|instruction) (to|for) (the )?(ai|llm|chatbot|bot|language model|gpt)',
      '(if you are|if you\'re) (an|a) (ai|language model|llm|assistant|bot)',
      `(send|forward|email|mail) (this|these|everything|the whole thread|the conversation|all of this|this email|this message) ~ (to|at) ${ADDRESS}`,
      '(forward|redirect) (all|every|any) ~ (emails|email|messages|mails|correspondence|conversations|tickets|replies|customer data)',
      '(auto-send|autosend|auto send|send automatically|automatically send|send without (review|approval|checking))',
      '(skip|bypass) (the )?(human review|human approval|agent review|content filter|safety filter|filters|moderation)',
      'bypass (the )?(review|approval)',
      '(include|insert) (this|the following) (link|url|hyperlink)',
      '(add|put|paste) (this|the following) (link|url|hyperlink) (to|in|into) (your|the) (reply|response|answer|email)',
    ],
    es: [
      '(ignora|ignore|ignoren|olvida|olvide|olviden|descarta|omite) (todas|todos|tus|sus) ~ (instrucciones|indicaciones|reglas|ordenes|directrices)',
      '(ignora|ignore|olvida|olvide|omite) las (instrucciones|indicaciones|ordenes) (anteriores|previas|del sistema|de arriba)',
      '(ahora eres|a partir de ahora eres|ahora actuas como|actua como) ~ (asistente|ia|bot|modelo|inteligencia artificial|sistema|administrador|chatbot)',
      'prompt del sistema',
      '(muestra|muestrame|revela|imprime|repite|dime|ensename|comparte) ~ tus (instrucciones|prompt|indicaciones)',
      '(reenvia|reenvie|reenvien) (todos|todas) ~ (correos|emails|mensajes|conversaciones)',
      `(envia|envie|manda|mande|reenvia|reenvie) (esto|este correo|este mensaje|todo) ~ a ${ADDRESS}`,
      '(incluye|incluya|anade|agrega|agregue|inserta) (este|el siguiente) (enlace|link|vinculo)',
      '(envia|envialo|responde) (automaticamente|sin revision|sin aprobacion)',
    ],
    pt: [
      '(ignore|ignora|ignorem|esqueca|desconsidere|desconsidera) (todas|todos|suas|tuas) ~ (instrucoes|regras|ordens|diretrizes|orientacoes|prompts)',
      '(ignore|ignora|esqueca|desconsidere) as (instrucoes|ordens|regras) (anteriores|previas|acima|do sistema)',
      '(agora voce e|a partir de agora voce e|agora tu es|atue como|aja como) ~ (assistente|ia|bot|modelo|inteligencia artificial|sistema|administrador|chatbot)',
      'prompt do sistema',
      '(mostre|revele|imprima|repita|diga|compartilhe) ~ (suas|tuas) (instrucoes|prompt|diretrizes)',
      '(encaminhe|encaminha|reencaminhe) (todos|todas) ~ (e-mails|emails|mensagens|conversas|correspondencia)',
      `(envie|mande|envia|manda|encaminhe) (isto|isso|este e-mail|este email|esta mensagem|tudo) ~ para ${ADDRESS}`,
      '(inclua|insira|adicione|coloque) (este|o seguinte) (link|url)',
      '(envie|responda) (automaticamente|sem revisao|sem aprovacao)',
    ],
    ru: [
      '(игнорируй|игнорируйте|забудь|забудьте|проигнорируй|проигнорируйте|отбрось|отбросьте) (все|свои|ваши|предыдущие|прежние|прошлые|системные) ~ (инструкци*|указани*|правила|промпт*|команды|установки)',
      '(теперь ты|ты теперь|отныне ты|с этого момента ты|представь что ты|притворись|веди себя как) ~ (ассистент*|ии|бот*|модел*|искусственн*|систем*|администратор*|чат-бот*|dan)',
      '(системный|системные) (промпт|инструкции|подсказка)',
      '(покажи|покажите|выведи|выведите|раскрой|раскройте|повтори|напечатай|перечисли) ~ (свои|ваши|системн*) ~ (инструкци*|промпт*|указани*)',
      '(перешли|перешлите|пересылай|пересылайте|переадресуй|перенаправь) все ~ (письма|сообщения|email|e-mail|переписку)',
      `(отправь|отправьте|перешли|перешлите) (это|это письмо|это сообщение|все) ~ (на|по адресу) ${ADDRESS}`,
      '(добавь|добавьте|вставь|вставьте|включи|включите) (эту|следующую) ссылку',
      '(отправь|отправляй|отправьте) (автоматически|без проверки|без одобрения)',
    ],
    zh: [
      '(忽略|无视|無視|忘记|忘記|忘掉|不要理会|忽视|忽視)(之前|以上|上面|先前|前面|所有|全部|你的|系统|系統)(的)?(所有|全部)?(的)?(指令|指示|提示词|提示|规则|規則|设定|設定)',
      '(你现在是|你現在是|从现在起你是|從現在起你是|从现在开始你是|從現在開始你是|现在你是|現在你是|扮演)(一个|一個|一名|一位)?[^。！？!?\\n]{0,8}(助手|助理|人工智能|ai|机器人|機器人|模型|系统|系統|管理员|管理員)',
      '(系统提示|系統提示|提示词|提示詞)',
      '(显示|顯示|输出|輸出|打印|透露|泄露|洩露|重复|重複|告诉我|告訴我)你的(系统|系統)?(指令|提示词|提示詞|提示|设定|設定)',
      '(转发|轉發)所有(的)?(邮件|郵件|消息|信息|訊息|对话|對話)',
      `(把|将|將)(这封|這封|此)(邮件|郵件|信息|消息)?(发送|發送|发|發|转发|轉發)(到|给|給)[^。！？!?\\n]{0,20}@`,
      '(包含|加入|添加|插入|附上)(这个|這個|此|以下)(链接|鏈接|网址|網址|連結)',
      '(自动发送|自動發送|无需审核|無需審核)',
    ],
    de: [
      '(ignoriere|ignorieren sie|ignoriert|vergiss|vergessen sie|missachte|uberschreibe) (alle|jegliche|deine|samtliche) ~ (anweisungen|instruktionen|regeln|vorgaben|befehle|prompts|richtlinien)',
      '(ignoriere|vergiss) die (vorherigen|bisherigen|obigen|vorigen) (anweisungen|instruktionen|vorgaben)',
      '(du bist jetzt|du bist nun|ab jetzt bist du|ab sofort bist du|von nun an bist du|tu so als ob du|verhalte dich wie|agiere als) ~ (assistent*|ki|bot|modell|chatbot|system|administrator|admin|dan)',
      '(systemprompt|system-prompt|systemanweisung*)',
      '(zeige|zeig|gib|verrate|wiederhole|drucke|nenne) ~ deine ~ (anweisungen|instruktionen|prompt|systemprompt|vorgaben)',
      '(leite|leitet|leiten sie) alle ~ (e-mails|emails|mails|nachrichten|anfragen|korrespondenz) ~ weiter',
      `(sende|schicke|sendet|schickt|senden sie|schicken sie|leite|leiten sie) (dies|das|diese nachricht|diese e-mail|alles) ~ an ${ADDRESS}`,
      '(fuge|fugen sie|setze|setzen sie) (diesen|den folgenden) link',
      '(automatisch senden|automatisch versenden|ohne prufung (senden|versenden|antworten))',
    ],
    fr: [
      '(ignore|ignorez|oublie|oubliez) (toutes|tous|tes|vos) ~ (instructions|consignes|regles|directives|prompts)',
      '(ignore|ignorez|oublie|oubliez) les (instructions|consignes|directives) (precedentes|anterieures|ci-dessus|systeme|du systeme)',
      '(tu es maintenant|tu es desormais|vous etes maintenant|vous etes desormais|a partir de maintenant tu es|fais comme si tu etais|agis comme|comporte-toi comme) ~ (assistant*|ia|bot|modele|intelligence artificielle|systeme|administrateur|chatbot|dan)',
      '(prompt systeme|prompt du systeme|invite systeme)',
      '(montre|montre-moi|affiche|revele|repete|imprime|donne-moi|dis-moi) ~ tes (instructions|consignes|prompt|directives)',
      '(transfere|transferez|redirige|redirigez|renvoie|renvoyez) tous ~ (e-mails|emails|mails|courriels|messages|echanges)',
      `(envoie|envoyez|transfere|transferez) (ceci|cela|ce message|ce mail|ce courriel|tout) ~ a ${ADDRESS}`,
      '(inclus|incluez|ajoute|ajoutez|insere|inserez) ce lien',
      '(envoie|envoyez|reponds|repondez) (automatiquement|sans verification|sans validation)',
    ],
    id: [
      '(abaikan|lupakan|acuhkan|hiraukan) (semua|seluruh|segala) ~ (instruksi|perintah|aturan|arahan|prompt)',
      '(abaikan|lupakan) (instruksi|perintah|arahan) (sebelumnya|di atas|sistem)',
      '(sekarang kamu adalah|kamu sekarang adalah|mulai sekarang kamu|anggap kamu|berperanlah sebagai|bertindaklah sebagai|berpura-puralah) ~ (asisten|ai|bot|model|kecerdasan buatan|sistem|admin|administrator|chatbot|dan)',
      '(prompt|instruksi) sistem',
      '(tampilkan|tunjukkan|ungkapkan|cetak|ulangi|sebutkan) ~ (instruksi|prompt|perintah) (kamu|mu|sistem)',
      '(instruksimu|promptmu)',
      '(teruskan|kirimkan|alihkan) semua ~ (email|pesan|surel|percakapan)',
      `(kirim|kirimkan|teruskan) (ini|pesan ini|email ini|semuanya) ~ ke ${ADDRESS}`,
      '(sertakan|tambahkan|masukkan|sisipkan) (tautan|link|url) (ini|berikut)',
      '(kirim|kirimkan|balas) (secara )?otomatis',
    ],
  },
};

/**
 * Cues that, right before a phrase, say the customer does NOT mean it ("I don't need to talk to a person").
 * Matched against the end of the clause before the phrase. Deliberately about volition (need/want/going to), not
 * ability: "why can't I talk to a person?" still asks for one. Not applied to prompt injection.
 */
export const NEGATION_CUES: Record<SupportedLanguage, string[]> = {
  en: [
    "(don't|do not|doesn't|does not|didn't|did not|never|no)( \\S+)? (need|want|wish|plan|intend|have|mean)( to)?",
    '(not|never)( \\S+)? (going|planning|trying|intending|threatening|asking|looking)( to| for)?',
    "(won't|will not|wouldn't|would not|shan't|shall not|will never)( \\S+)?",
    'no (intention|plan|desire) (of|to)',
    'without( having to| needing to)?',
    // a question whether a person is needed is not a request for one: "do I need to speak to a representative to…?"
    '(do|does|did|will|would|should|must|can) (i|we|one|you) (really |actually |still )?(need|have|got) to',
    'is it (necessary|required|mandatory) to',
  ],
  es: [
    'no( \\S+)? (necesito|necesitamos|quiero|queremos|hace falta|es necesario|pienso|voy a|vamos a|tengo que|hay que|deseo|pretendo|busco|me interesa)( que| a| de)?',
    'sin( necesidad de)?',
  ],
  pt: [
    '(nao|nem)( \\S+)? (preciso|precisamos|quero|queremos|precisa|vou|vamos|pretendo|tenho que|tenho de|e necessario|desejo)( de| que)?',
    'sem( necessidade de)?',
  ],
  fr: [
    "(ne|n')( \\S+)? ?(veux|voulons|souhaite|souhaitons|vais|allons|compte|comptons|cherche|demande) (pas|jamais|plus)( \\S+)?",
    "(pas|plus|aucun|aucunement) (besoin|envie|question|l'intention)( de| d')?",
    'sans( avoir besoin de)?',
  ],
  de: [
    '(muss|musst|mussen|brauche|brauchen|will|wollen|mochte|mochten|werde|werden|plane|habe)( \\S+)? (nicht|kein|keine|keinen|nie|niemals)( \\S+)?',
    '(kein|keinen) (bedarf|bedurfnis|interesse)( \\S+)?',
    'ohne',
  ],
  ru: [
    'не (нужно|надо|хочу|хотим|буду|будем|собираюсь|собираемся|стану|станем|планирую|обязательно|требуется|нужен|нужна|прошу)( \\S+)?',
    'нет (необходимости|нужды|желания)( \\S+)?',
    'без',
  ],
  zh: ['(不用|不需要|不必|不想|不要|无需|無需|没必要|沒必要|不会|不會|不打算|并不想|並不想)(再)?(去)?(和|跟|与|與|同|找)?'],
  id: ['(tidak|tak|gak|nggak|enggak|ga|bukan)( \\S+)? (perlu|mau|ingin|akan|butuh|usah|harus|berniat|bermaksud)( \\S+)?', 'tanpa( perlu)?', 'jangan'],
};

export interface SentimentLexicon {
  /** term -> weight: 1 mild ("disappointed"), 2 strong ("terrible"), 3 very strong ("disgusting", "scam"). */
  terms: Record<string, number>;
  /** words that, just before a term, strengthen it ("absolutely unacceptable") */
  intensifiers: string[];
  /** words that, just after a term, strengthen it (Indonesian "parah banget") */
  postIntensifiers?: string[];
  /** words that, just before a term, cancel it ("not angry") */
  negators: string[];
}

/**
 * Negative sentiment is scored, not matched: one mild word is normal in a support request ("disappointed my order
 * is late"), so only a sum over the threshold escalates. Intensifiers multiply a term by 1.5; a negator within the
 * two words before cancels it; "!!"/"!!!" and shouting add 1 when something negative was said.
 */
export const SENTIMENT: Record<SupportedLanguage, SentimentLexicon> = {
  en: {
    terms: {
      unacceptable: 2, 'not acceptable': 2, outrageous: 3, disgusting: 3, disgraceful: 3, appalling: 3, horrible: 2,
      horrendous: 3, terrible: 2, awful: 2, atrocious: 3, worst: 2, pathetic: 3, ridiculous: 2, absurd: 2, useless: 2,
      incompetent: 3, incompetence: 3, unprofessional: 2, scam: 2, scammers: 3, scammed: 2, 'rip-off': 3, ripoff: 3,
      // "fraud" mostly reports a fraudulent charge, which is urgent but not anger at us
      'ripped off': 3, fraud: 1, fraudulent: 1, thieves: 3, liars: 3, lied: 2, furious: 3, angry: 2, livid: 3,
      outraged: 3, 'fed up': 2, 'sick and tired': 3, 'sick of': 2, frustrated: 1, frustrating: 1, annoyed: 1,
      annoying: 1, disappointed: 1, disappointing: 1, upset: 1, hate: 2, shameful: 2, 'shame on you': 3, 'a joke': 1,
      'waste of (time|money)': 2, 'never again': 2, shit: 2, shitty: 3, crap: 2, crappy: 2, bullshit: 3, wtf: 2,
      'what the hell': 2, 'fuck*': 3, damn: 1, 'not happy': 1, 'not satisfied': 1, dissatisfied: 1, unhappy: 1,
      'how dare': 2, nightmare: 2, unbelievable: 1, 'screw you': 3, idiots: 3, morons: 3, garbage: 2,
    },
    intensifiers: [
      'very', 'so', 'absolutely', 'completely', 'totally', 'extremely', 'really', 'utterly', 'incredibly', 'truly',
      'seriously', 'most', 'such', 'beyond', 'super', 'deeply', 'too',
    ],
    negators: [
      'not', 'no', "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't", "didn't", "won't", 'cannot', "can't",
      'without', 'nor', 'hardly', 'barely',
    ],
  },
  es: {
    terms: {
      inaceptable: 2, 'no es aceptable': 2, vergonzoso: 2, verguenza: 2, indignante: 3, 'indignad*': 2, horrible: 2,
      terrible: 2, 'pesim*': 2, '(el|la|lo) peor': 2, espantoso: 2, lamentable: 2, 'furios*': 3, 'enfadad*': 2,
      'enojad*': 2, 'cabread*': 3, '(harto|harta|hartos|hartas)': 2, 'estafa*': 3, ladrones: 3, 'mentiros*': 2,
      'me mintieron': 2, 'inutil*': 2, 'incompetent*': 3, 'asquer*': 3, 'decepcionad*': 1, decepcionante: 1,
      '(molesto|molesta)': 1, 'frustrad*': 1, 'ridicul*': 2, 'una broma': 1, 'no estoy (contento|contenta|satisfecho|satisfecha)': 1,
      mierda: 2, 'nunca mas': 2, 'tomadura de pelo': 3, 'desastr*': 2, 'es el colmo': 2, impresentable: 2,
    },
    intensifiers: [
      'muy', 'totalmente', 'absolutamente', 'completamente', 'realmente', 'super', 'extremadamente', 'tan',
      'increiblemente', 'verdaderamente', 'demasiado', 'sumamente',
    ],
    negators: ['no', 'nunca', 'jamas', 'ni', 'sin', 'tampoco'],
  },
  pt: {
    terms: {
      inaceitavel: 2, 'vergonhos*': 2, vergonha: 2, 'pouca vergonha': 3, horrivel: 2, 'pessim*': 2, '(o|a) pior': 2,
      terrivel: 2, 'indignad*': 2, 'revoltad*': 2, revoltante: 3, 'furios*': 3, 'irritad*': 1, 'chatead*': 1,
      'decepcionad*': 1, 'frustrad*': 1, 'absurd*': 2, 'ridicul*': 2, 'um golpe': 3, golpistas: 3, fraude: 2,
      ladroes: 3, 'mentiros*': 2, 'inutil*': 2, 'incompetent*': 3, lixo: 2, merda: 2, 'nunca mais': 2, palhacada: 2,
      descaso: 2, 'nao estou satisfeit*': 1, 'insatisfeit*': 1, desrespeito: 2, 'uma piada': 1, raiva: 2,
      'de saco cheio': 2,
    },
    intensifiers: [
      'muito', 'totalmente', 'absolutamente', 'completamente', 'extremamente', 'realmente', 'tao', 'super', 'bem',
      'muitissimo',
    ],
    postIntensifiers: ['demais'],
    negators: ['nao', 'nunca', 'jamais', 'nem', 'sem'],
  },
  fr: {
    terms: {
      inacceptable: 2, inadmissible: 3, 'scandal*': 3, honteux: 2, honte: 2, lamentable: 2, horrible: 2, terrible: 2,
      "c'est nul": 2, '(le|la) pire': 2, 'catastroph*': 2, deplorable: 2, 'arnaque*': 3, 'escroc*': 3, voleurs: 3,
      menteurs: 3, 'incompetent*': 3, furieux: 3, furieuse: 3, 'en colere': 2, 'enerve*': 1, 'agace*': 1,
      '(decu|decue|decus|decues)': 1, 'decevant*': 1, '(frustre|frustree|frustres|frustrees)': 1, ridicule: 2,
      merde: 2, '(plus jamais|jamais plus)': 2, 'pas content*': 1, 'pas satisfait*': 1, 'mecontent*': 1,
      'foutage de gueule': 3, "n'importe quoi": 1,
    },
    intensifiers: [
      'tres', 'totalement', 'absolument', 'completement', 'vraiment', 'extremement', 'tellement', 'si', 'trop',
      'vachement', 'super', 'profondement',
    ],
    negators: ['pas', 'jamais', 'sans', 'aucun', 'aucune', 'ni', 'ne'],
  },
  de: {
    terms: {
      inakzeptabel: 2, unverschamt: 3, frechheit: 3, 'skandal*': 3, 'katastroph*': 2, furchtbar: 2, schrecklich: 2,
      entsetzlich: 3, miserabel: 2, mies: 1, 'schlechteste*': 2, 'schlimmste*': 2, betrug: 3, 'betruger*': 3,
      abzocke: 3, lacherlich: 2, wutend: 2, 'verargert': 2, sauer: 1, enttauscht: 1, enttauschend: 1, frustriert: 1,
      frustrierend: 1, 'inkompetent*': 3, 'unfahig*': 3, nutzlos: 2, 'nie wieder': 2, zumutung: 3, 'scheiss*': 2,
      sauerei: 2, argerlich: 1, 'nicht zufrieden': 1, unzufrieden: 1, armselig: 2, 'das letzte': 2,
    },
    intensifiers: [
      'sehr', 'total', 'absolut', 'vollig', 'komplett', 'extrem', 'wirklich', 'echt', 'so', 'ausserst', 'unglaublich',
      'voll', 'richtig', 'mega', 'zutiefst', 'hochst', 'absolute', 'absoluten', 'totale', 'totalen',
    ],
    negators: ['nicht', 'kein', 'keine', 'keinen', 'keiner', 'keinem', 'nie', 'niemals', 'ohne'],
  },
  ru: {
    terms: {
      'неприемлем*': 2, 'возмутительн*': 3, 'безобрази*': 3, 'ужас*': 2, 'отвратительн*': 3, 'отвратн*': 3, 'худш*': 2,
      'кошмар*': 2, 'позор*': 2, 'мошенник*': 3, 'обман*': 2, 'некомпетентн*': 3, 'бесполезн*': 1, 'хамств*': 3,
      'издевательств*': 3, 'бесит': 2, 'бесят': 2, 'достали': 2, 'надоело': 1, 'в ярости': 3, 'злюсь': 2, 'зол': 2,
      'разочарован*': 1, 'недовол*': 1, 'возмущ*': 2, 'отстой': 2, 'никогда больше': 2, 'больше никогда': 2,
      'обнаглели': 3, 'наглость': 2, 'беспредел': 3, 'бардак': 2, 'полный бред': 2,
    },
    intensifiers: [
      'очень', 'совершенно', 'абсолютно', 'полностью', 'крайне', 'просто', 'так', 'такой', 'такое', 'такая',
      'настолько', 'невероятно', 'реально', 'действительно', 'максимально', 'самый', 'самое', 'полный', 'полное',
    ],
    negators: ['не', 'нет', 'ни', 'без'],
  },
  zh: {
    terms: {
      不可接受: 3, 无法接受: 3, 無法接受: 3, 不能接受: 3, 太差: 2, 很差: 2, 最差: 2, 极差: 3, 極差: 3, 糟糕: 2, 糟透: 3,
      垃圾: 2, 骗子: 3, 騙子: 3, 欺骗: 2, 欺騙: 2, 诈骗: 3, 詐騙: 3, 愤怒: 2, 憤怒: 2, 生气: 2, 生氣: 2, 气死: 3, 氣死: 3,
      恶心: 2, 噁心: 2, 失望: 1, 不满: 1, 不滿: 1, 离谱: 2, 離譜: 2, 荒唐: 2, 可恶: 2, 可惡: 2, 无语: 1, 無語: 1,
      坑人: 3, 混蛋: 3, 过分: 2, 過分: 2, 烂透: 3, 爛透: 3, 差劲: 2, 差勁: 2, 忍无可忍: 3, 忍無可忍: 3, 受够: 2, 受夠: 2,
    },
    intensifiers: ['非常', '太', '很', '特别', '特別', '十分', '极其', '極其', '真的', '真', '超级', '超級', '超', '完全', '实在', '實在', '好'],
    postIntensifiers: ['极了', '極了', '透了'],
    negators: ['不', '没有', '沒有', '没', '沒', '别', '別', '非', '无', '無', '未', '并不', '並不'],
  },
  id: {
    terms: {
      'tidak (bisa|dapat) diterima': 2, keterlaluan: 3, parah: 2, buruk: 1, terburuk: 2, 'paling buruk': 2,
      mengecewakan: 1, kecewa: 1, marah: 2, kesal: 1, jengkel: 1, penipu: 3, penipuan: 3, bohong: 2, pembohong: 3,
      'tidak becus': 3, payah: 2, sampah: 2, memalukan: 2, 'tidak profesional': 2, menyebalkan: 2, brengsek: 3,
      bangsat: 3, 'tidak puas': 1, kapok: 2, benci: 2, muak: 2, geram: 2, goblok: 3,
    },
    intensifiers: ['sangat', 'benar-benar', 'sungguh', 'amat', 'terlalu', 'begitu', 'super', 'bener-bener'],
    postIntensifiers: ['banget', 'bgt', 'sekali', 'skali'],
    negators: ['tidak', 'tak', 'bukan', 'belum', 'tanpa', 'gak', 'nggak', 'enggak', 'ga', 'ndak'],
  },
};

/** The sum of sentiment weights from which a message counts as strongly negative. */
export const NEGATIVE_SENTIMENT_THRESHOLD = 3;
