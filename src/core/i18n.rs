//! The words consent-gate brings itself (banner and dialog controls, headings, table headers) in
//! 24 languages, the choice of a visitor's language, and writing direction.
//!
//! A site's own texts (config `texts` and `translations`) override these key by key; see
//! [`crate::core::view`].

/// One piece of text consent-gate shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// The banner's heading.
    Title,
    /// The banner's sentence or two.
    Description,
    /// The control that grants everything optional.
    AcceptAll,
    /// The control that refuses everything optional.
    RejectAll,
    /// The control that opens the preferences.
    Customize,
    /// The privacy-policy link.
    PrivacyPolicy,
    /// The preferences dialog's heading.
    PreferencesTitle,
    /// The preferences dialog's introduction.
    PreferencesDescription,
    /// The dialog control that stores the toggles as they are.
    Save,
    /// The control that closes the dialog (or, on the banner, refuses).
    Close,
    /// Beside a required category's disabled toggle.
    AlwaysOn,
    /// The heading of a category's list of services.
    Services,
    /// Cookie table header: the cookie's name.
    Cookie,
    /// Cookie table header: who reads it.
    Provider,
    /// Cookie table header: what it is for.
    Purpose,
    /// Cookie table header: how long it lives.
    Duration,
    /// The floating button that reopens the preferences.
    Settings,
    /// On a blocked embed's placeholder; `{service}` is replaced by the service's name.
    PlaceholderMessage,
    /// The placeholder control that loads the embed this once, without storing consent.
    LoadOnce,
    /// The placeholder control that grants the embed's service (stored).
    AlwaysAllow,
    /// In the preferences, when the browser sends Global Privacy Control (`eu` mode).
    GpcHonoured,
}

impl Text {
    /// Every text, in the order of [`Text::key`] and of the built-in tables.
    pub const ALL: [Text; 21] = [
        Text::Title,
        Text::Description,
        Text::AcceptAll,
        Text::RejectAll,
        Text::Customize,
        Text::PrivacyPolicy,
        Text::PreferencesTitle,
        Text::PreferencesDescription,
        Text::Save,
        Text::Close,
        Text::AlwaysOn,
        Text::Services,
        Text::Cookie,
        Text::Provider,
        Text::Purpose,
        Text::Duration,
        Text::Settings,
        Text::PlaceholderMessage,
        Text::LoadOnce,
        Text::AlwaysAllow,
        Text::GpcHonoured,
    ];

    /// The config key that overrides it (in `texts` and `translations.<language>`).
    pub fn key(self) -> &'static str {
        KEYS[self as usize]
    }

    /// The text with config key `key`.
    pub fn from_key(key: &str) -> Option<Text> {
        KEYS.iter().position(|k| *k == key).map(|i| Text::ALL[i])
    }

    /// Whether it labels a control or heading that must never be empty: refusing must be as easy
    /// to find as accepting.
    pub fn is_required(self) -> bool {
        matches!(
            self,
            Text::Title
                | Text::AcceptAll
                | Text::RejectAll
                | Text::Customize
                | Text::PreferencesTitle
                | Text::Save
                | Text::Close
                | Text::LoadOnce
                | Text::AlwaysAllow
        )
    }
}

/// Config keys of [`Text::ALL`], in order.
pub const KEYS: [&str; 21] = [
    "title",
    "description",
    "acceptAll",
    "rejectAll",
    "customize",
    "privacyPolicy",
    "preferencesTitle",
    "preferencesDescription",
    "save",
    "close",
    "alwaysOn",
    "servicesLabel",
    "cookieName",
    "cookieProvider",
    "cookiePurpose",
    "cookieDuration",
    "settingsButton",
    "placeholderMessage",
    "loadOnce",
    "alwaysAllow",
    "gpcHonoured",
];

/// The built-in texts: each language's 21 texts in [`Text::ALL`] order, `|`-separated. Only
/// those in [`COMPILED`] are in the module; an interface file carries others beside it
/// ([`words`], [`built_in`]).
const BUILT_IN: [(&str, &str); 24] = [
    (
        "en",
        "We value your privacy|We use cookies and similar technologies for analytics and marketing only if you agree. You can change your choice at any time.|Accept all|Reject all|Customize|Privacy policy|Privacy preferences|Choose what you allow. Strictly necessary cookies are always on.|Save choices|Close|Always on|Services|Cookie|Provider|Purpose|Duration|Cookie settings|This content from {service} is blocked until you allow it.|Load once|Always allow|Global Privacy Control: your browser's signal is honoured.",
    ),
    (
        "de",
        "Ihre Privatsphäre ist uns wichtig|Wir verwenden Cookies und ähnliche Technologien für Statistik und Marketing nur mit Ihrer Einwilligung. Sie können Ihre Wahl jederzeit ändern.|Alle akzeptieren|Alle ablehnen|Anpassen|Datenschutzerklärung|Datenschutz-Einstellungen|Wählen Sie, was Sie erlauben. Unbedingt erforderliche Cookies sind immer aktiv.|Auswahl speichern|Schließen|Immer aktiv|Dienste|Cookie|Anbieter|Zweck|Speicherdauer|Cookie-Einstellungen|Dieser Inhalt von {service} ist blockiert, bis Sie ihn erlauben.|Einmal laden|Immer erlauben|Global Privacy Control: Das Signal Ihres Browsers wird beachtet.",
    ),
    (
        "fr",
        "Nous respectons votre vie privée|Nous utilisons des cookies et technologies similaires pour la mesure d'audience et le marketing uniquement avec votre accord. Vous pouvez modifier votre choix à tout moment.|Tout accepter|Tout refuser|Personnaliser|Politique de confidentialité|Préférences de confidentialité|Choisissez ce que vous autorisez. Les cookies strictement nécessaires sont toujours actifs.|Enregistrer mes choix|Fermer|Toujours actif|Services|Cookie|Fournisseur|Finalité|Durée|Paramètres des cookies|Ce contenu de {service} est bloqué tant que vous ne l'autorisez pas.|Charger une fois|Toujours autoriser|Global Privacy Control : le signal de votre navigateur est respecté.",
    ),
    (
        "es",
        "Respetamos tu privacidad|Usamos cookies y tecnologías similares para analítica y marketing solo si lo aceptas. Puedes cambiar tu elección en cualquier momento.|Aceptar todo|Rechazar todo|Personalizar|Política de privacidad|Preferencias de privacidad|Elige lo que permites. Las cookies estrictamente necesarias están siempre activas.|Guardar selección|Cerrar|Siempre activas|Servicios|Cookie|Proveedor|Finalidad|Duración|Configuración de cookies|Este contenido de {service} está bloqueado hasta que lo permitas.|Cargar una vez|Permitir siempre|Global Privacy Control: respetamos la señal de tu navegador.",
    ),
    (
        "it",
        "Rispettiamo la tua privacy|Usiamo cookie e tecnologie simili per statistiche e marketing solo con il tuo consenso. Puoi modificare la tua scelta in qualsiasi momento.|Accetta tutto|Rifiuta tutto|Personalizza|Informativa sulla privacy|Preferenze sulla privacy|Scegli cosa consentire. I cookie strettamente necessari sono sempre attivi.|Salva le scelte|Chiudi|Sempre attivi|Servizi|Cookie|Fornitore|Finalità|Durata|Impostazioni cookie|Questo contenuto di {service} è bloccato finché non lo consenti.|Carica una volta|Consenti sempre|Global Privacy Control: rispettiamo il segnale del tuo browser.",
    ),
    (
        "nl",
        "Wij respecteren uw privacy|Wij gebruiken cookies en vergelijkbare technieken voor statistieken en marketing alleen met uw toestemming. U kunt uw keuze altijd wijzigen.|Alles accepteren|Alles weigeren|Aanpassen|Privacybeleid|Privacyvoorkeuren|Kies wat u toestaat. Strikt noodzakelijke cookies staan altijd aan.|Keuze opslaan|Sluiten|Altijd aan|Diensten|Cookie|Aanbieder|Doel|Bewaartermijn|Cookie-instellingen|Deze inhoud van {service} is geblokkeerd tot u die toestaat.|Eenmalig laden|Altijd toestaan|Global Privacy Control: het signaal van uw browser wordt gerespecteerd.",
    ),
    (
        "pl",
        "Szanujemy Twoją prywatność|Używamy plików cookie i podobnych technologii do analityki i marketingu tylko za Twoją zgodą. Możesz zmienić swój wybór w dowolnym momencie.|Akceptuj wszystkie|Odrzuć wszystkie|Dostosuj|Polityka prywatności|Ustawienia prywatności|Wybierz, na co się zgadzasz. Niezbędne pliki cookie są zawsze włączone.|Zapisz wybór|Zamknij|Zawsze włączone|Usługi|Plik cookie|Dostawca|Cel|Okres przechowywania|Ustawienia plików cookie|Ta treść od {service} jest zablokowana, dopóki na nią nie zezwolisz.|Załaduj raz|Zawsze zezwalaj|Global Privacy Control: respektujemy sygnał Twojej przeglądarki.",
    ),
    (
        "pt",
        "Respeitamos a sua privacidade|Utilizamos cookies e tecnologias semelhantes para análise e marketing apenas com o seu consentimento. Pode alterar a sua escolha a qualquer momento.|Aceitar tudo|Rejeitar tudo|Personalizar|Política de privacidade|Preferências de privacidade|Escolha o que permite. Os cookies estritamente necessários estão sempre ativos.|Guardar escolhas|Fechar|Sempre ativos|Serviços|Cookie|Fornecedor|Finalidade|Duração|Definições de cookies|Este conteúdo de {service} está bloqueado até que o permita.|Carregar uma vez|Permitir sempre|Global Privacy Control: respeitamos o sinal do seu navegador.",
    ),
    (
        "sl",
        "Spoštujemo vašo zasebnost|Piškotke in podobne tehnologije za analitiko in trženje uporabljamo le z vašo privolitvijo. Svojo izbiro lahko kadar koli spremenite.|Sprejmi vse|Zavrni vse|Prilagodi|Pravilnik o zasebnosti|Nastavitve zasebnosti|Izberite, kaj dovolite. Nujno potrebni piškotki so vedno vklopljeni.|Shrani izbiro|Zapri|Vedno vklopljeno|Storitve|Piškotek|Ponudnik|Namen|Trajanje|Nastavitve piškotkov|Ta vsebina storitve {service} je blokirana, dokler je ne dovolite.|Naloži enkrat|Vedno dovoli|Global Privacy Control: upoštevamo signal vašega brskalnika.",
    ),
    (
        "hr",
        "Poštujemo vašu privatnost|Kolačiće i slične tehnologije za analitiku i marketing koristimo samo uz vašu privolu. Svoj izbor možete promijeniti u bilo kojem trenutku.|Prihvati sve|Odbij sve|Prilagodi|Pravila privatnosti|Postavke privatnosti|Odaberite što dopuštate. Nužni kolačići uvijek su uključeni.|Spremi odabir|Zatvori|Uvijek uključeno|Usluge|Kolačić|Pružatelj|Svrha|Trajanje|Postavke kolačića|Ovaj sadržaj usluge {service} blokiran je dok ga ne dopustite.|Učitaj jednom|Uvijek dopusti|Global Privacy Control: poštujemo signal vašeg preglednika.",
    ),
    (
        "hu",
        "Tiszteletben tartjuk adatait|Sütiket és hasonló technológiákat csak az Ön hozzájárulásával használunk elemzésre és marketingre. Döntését bármikor megváltoztathatja.|Összes elfogadása|Összes elutasítása|Testreszabás|Adatvédelmi tájékoztató|Adatvédelmi beállítások|Válassza ki, mit engedélyez. A feltétlenül szükséges sütik mindig be vannak kapcsolva.|Választás mentése|Bezárás|Mindig bekapcsolva|Szolgáltatások|Süti|Szolgáltató|Cél|Időtartam|Süti-beállítások|Ez a tartalom ({service}) le van tiltva, amíg nem engedélyezi.|Betöltés egyszer|Mindig engedélyez|Global Privacy Control: böngészője jelzését figyelembe vesszük.",
    ),
    (
        "sv",
        "Vi värnar om din integritet|Vi använder cookies och liknande tekniker för statistik och marknadsföring endast om du samtycker. Du kan ändra ditt val när som helst.|Godkänn alla|Avvisa alla|Anpassa|Integritetspolicy|Integritetsinställningar|Välj vad du tillåter. Nödvändiga cookies är alltid på.|Spara val|Stäng|Alltid på|Tjänster|Cookie|Leverantör|Syfte|Lagringstid|Cookieinställningar|Detta innehåll från {service} är blockerat tills du tillåter det.|Ladda en gång|Tillåt alltid|Global Privacy Control: vi respekterar din webbläsares signal.",
    ),
    (
        "cs",
        "Vážíme si vašeho soukromí|Soubory cookie a podobné technologie pro analytiku a marketing používáme pouze s vaším souhlasem. Svou volbu můžete kdykoli změnit.|Přijmout vše|Odmítnout vše|Přizpůsobit|Zásady ochrany osobních údajů|Nastavení soukromí|Vyberte, co povolíte. Nezbytné soubory cookie jsou vždy zapnuté.|Uložit volbu|Zavřít|Vždy zapnuto|Služby|Cookie|Poskytovatel|Účel|Doba uložení|Nastavení cookies|Tento obsah služby {service} je zablokován, dokud jej nepovolíte.|Načíst jednou|Vždy povolit|Global Privacy Control: respektujeme signál vašeho prohlížeče.",
    ),
    (
        "da",
        "Vi respekterer dit privatliv|Vi bruger cookies og lignende teknologier til statistik og markedsføring kun med dit samtykke. Du kan til enhver tid ændre dit valg.|Accepter alle|Afvis alle|Tilpas|Privatlivspolitik|Privatlivsindstillinger|Vælg, hvad du tillader. Nødvendige cookies er altid slået til.|Gem valg|Luk|Altid slået til|Tjenester|Cookie|Udbyder|Formål|Varighed|Cookieindstillinger|Dette indhold fra {service} er blokeret, indtil du tillader det.|Indlæs én gang|Tillad altid|Global Privacy Control: vi respekterer din browsers signal.",
    ),
    (
        "fi",
        "Arvostamme yksityisyyttäsi|Käytämme evästeitä ja vastaavia tekniikoita analytiikkaan ja markkinointiin vain suostumuksellasi. Voit muuttaa valintaasi milloin tahansa.|Hyväksy kaikki|Hylkää kaikki|Mukauta|Tietosuojaseloste|Tietosuoja-asetukset|Valitse, mitä sallit. Välttämättömät evästeet ovat aina käytössä.|Tallenna valinnat|Sulje|Aina käytössä|Palvelut|Eväste|Tarjoaja|Käyttötarkoitus|Kesto|Evästeasetukset|Tämä palvelun {service} sisältö on estetty, kunnes sallit sen.|Lataa kerran|Salli aina|Global Privacy Control: noudatamme selaimesi signaalia.",
    ),
    (
        "el",
        "Σεβόμαστε το απόρρητό σας|Χρησιμοποιούμε cookies και παρόμοιες τεχνολογίες για στατιστικά και μάρκετινγκ μόνο με τη συγκατάθεσή σας. Μπορείτε να αλλάξετε την επιλογή σας ανά πάσα στιγμή.|Αποδοχή όλων|Απόρριψη όλων|Προσαρμογή|Πολιτική απορρήτου|Ρυθμίσεις απορρήτου|Επιλέξτε τι επιτρέπετε. Τα απολύτως απαραίτητα cookies είναι πάντα ενεργά.|Αποθήκευση επιλογών|Κλείσιμο|Πάντα ενεργά|Υπηρεσίες|Cookie|Πάροχος|Σκοπός|Διάρκεια|Ρυθμίσεις cookies|Αυτό το περιεχόμενο από {service} είναι αποκλεισμένο μέχρι να το επιτρέψετε.|Φόρτωση μία φορά|Να επιτρέπεται πάντα|Global Privacy Control: σεβόμαστε το σήμα του προγράμματος περιήγησής σας.",
    ),
    (
        "ro",
        "Respectăm confidențialitatea ta|Folosim cookie-uri și tehnologii similare pentru analiză și marketing doar cu acordul tău. Îți poți schimba alegerea oricând.|Acceptă tot|Respinge tot|Personalizează|Politica de confidențialitate|Preferințe de confidențialitate|Alege ce permiți. Cookie-urile strict necesare sunt mereu active.|Salvează alegerile|Închide|Mereu active|Servicii|Cookie|Furnizor|Scop|Durată|Setări cookie|Acest conținut de la {service} este blocat până când îl permiți.|Încarcă o dată|Permite mereu|Global Privacy Control: respectăm semnalul browserului tău.",
    ),
    (
        "sk",
        "Vážime si vaše súkromie|Súbory cookie a podobné technológie na analytiku a marketing používame iba s vaším súhlasom. Svoju voľbu môžete kedykoľvek zmeniť.|Prijať všetko|Odmietnuť všetko|Prispôsobiť|Zásady ochrany súkromia|Nastavenia súkromia|Vyberte, čo povolíte. Nevyhnutné súbory cookie sú vždy zapnuté.|Uložiť voľbu|Zavrieť|Vždy zapnuté|Služby|Cookie|Poskytovateľ|Účel|Doba uchovávania|Nastavenia cookies|Tento obsah služby {service} je zablokovaný, kým ho nepovolíte.|Načítať raz|Vždy povoliť|Global Privacy Control: rešpektujeme signál vášho prehliadača.",
    ),
    (
        "bg",
        "Уважаваме вашата поверителност|Използваме бисквитки и подобни технологии за анализ и маркетинг само с ваше съгласие. Можете да промените избора си по всяко време.|Приемане на всички|Отхвърляне на всички|Персонализиране|Политика за поверителност|Настройки за поверителност|Изберете какво разрешавате. Строго необходимите бисквитки са винаги включени.|Запазване на избора|Затваряне|Винаги включени|Услуги|Бисквитка|Доставчик|Цел|Срок|Настройки за бисквитки|Това съдържание от {service} е блокирано, докато не го разрешите.|Зареждане веднъж|Винаги разрешавай|Global Privacy Control: зачитаме сигнала на вашия браузър.",
    ),
    (
        "et",
        "Austame teie privaatsust|Kasutame küpsiseid ja sarnaseid tehnoloogiaid analüütikaks ja turunduseks ainult teie nõusolekul. Saate oma valikut igal ajal muuta.|Nõustu kõigiga|Keeldu kõigist|Kohanda|Privaatsuspoliitika|Privaatsusseaded|Valige, mida lubate. Hädavajalikud küpsised on alati sees.|Salvesta valik|Sulge|Alati sees|Teenused|Küpsis|Pakkuja|Eesmärk|Kestus|Küpsiste seaded|See teenuse {service} sisu on blokeeritud, kuni te selle lubate.|Laadi üks kord|Luba alati|Global Privacy Control: austame teie brauseri signaali.",
    ),
    (
        "lv",
        "Mēs cienām jūsu privātumu|Sīkdatnes un līdzīgas tehnoloģijas analītikai un mārketingam izmantojam tikai ar jūsu piekrišanu. Savu izvēli varat mainīt jebkurā laikā.|Pieņemt visas|Noraidīt visas|Pielāgot|Privātuma politika|Privātuma iestatījumi|Izvēlieties, ko atļaujat. Obligātās sīkdatnes vienmēr ir ieslēgtas.|Saglabāt izvēli|Aizvērt|Vienmēr ieslēgtas|Pakalpojumi|Sīkdatne|Nodrošinātājs|Mērķis|Ilgums|Sīkdatņu iestatījumi|Šis {service} saturs ir bloķēts, līdz jūs to atļausiet.|Ielādēt vienreiz|Vienmēr atļaut|Global Privacy Control: mēs ievērojam jūsu pārlūka signālu.",
    ),
    (
        "lt",
        "Gerbiame jūsų privatumą|Slapukus ir panašias technologijas analitikai ir rinkodarai naudojame tik gavę jūsų sutikimą. Savo pasirinkimą galite bet kada pakeisti.|Priimti visus|Atmesti visus|Tinkinti|Privatumo politika|Privatumo nustatymai|Pasirinkite, ką leidžiate. Būtinieji slapukai visada įjungti.|Išsaugoti pasirinkimą|Uždaryti|Visada įjungti|Paslaugos|Slapukas|Teikėjas|Paskirtis|Trukmė|Slapukų nustatymai|Šis {service} turinys užblokuotas, kol jo neleisite.|Įkelti vieną kartą|Visada leisti|Global Privacy Control: paisome jūsų naršyklės signalo.",
    ),
    (
        "ar",
        "نحترم خصوصيتك|نستخدم ملفات تعريف الارتباط والتقنيات المشابهة للتحليلات والتسويق فقط بموافقتك. يمكنك تغيير اختيارك في أي وقت.|قبول الكل|رفض الكل|تخصيص|سياسة الخصوصية|تفضيلات الخصوصية|اختر ما تسمح به. ملفات تعريف الارتباط الضرورية مفعّلة دائمًا.|حفظ الاختيارات|إغلاق|مفعّلة دائمًا|الخدمات|ملف تعريف الارتباط|المزوّد|الغرض|المدة|إعدادات ملفات تعريف الارتباط|هذا المحتوى من {service} محظور حتى تسمح به.|تحميل مرة واحدة|السماح دائمًا|Global Privacy Control: نحترم الإشارة التي يرسلها متصفحك.",
    ),
    (
        "he",
        "אנחנו מכבדים את פרטיותך|אנו משתמשים בעוגיות ובטכנולוגיות דומות לניתוח נתונים ולשיווק רק בהסכמתך. אפשר לשנות את הבחירה בכל עת.|לקבל הכול|לדחות הכול|התאמה אישית|מדיניות פרטיות|העדפות פרטיות|בחרו מה אתם מאפשרים. עוגיות הכרחיות פעילות תמיד.|שמירת הבחירות|סגירה|פעיל תמיד|שירותים|עוגייה|ספק|מטרה|משך|הגדרות עוגיות|התוכן הזה מ-{service} חסום עד שתאשרו אותו.|טעינה חד-פעמית|לאשר תמיד|Global Privacy Control: אנחנו מכבדים את האות שהדפדפן שלך שולח.",
    ),
];

/// The languages whose texts a build carries, chosen when it is compiled: every one of
/// [`BUILT_IN`], or those named in the environment variable `CONSENT_GATE_LANGUAGES`
/// (comma-separated codes, e.g. `de,fr`), English always: a site that shows one or two need
/// not ship 24.
const SELECTION: Option<&str> = match option_env!("CONSENT_GATE_LANGUAGES") {
    Some(list) if !list.is_empty() => Some(list),
    _ => None,
};

/// The built-in texts in this build.
static COMPILED: [(&str, &str); count_compiled()] = compiled();

/// Whether the comma-separated `list` names `code` (spaces around a code are ignored).
const fn names(list: &str, code: &str) -> bool {
    let (list, code) = (list.as_bytes(), code.as_bytes());
    let mut start = 0;
    while start <= list.len() {
        let mut end = start;
        while end < list.len() && list[end] != b',' {
            end += 1;
        }
        let (mut from, mut to) = (start, end);
        while from < to && list[from] == b' ' {
            from += 1;
        }
        while to > from && list[to - 1] == b' ' {
            to -= 1;
        }
        if to - from == code.len() {
            let mut i = 0;
            while i < code.len() && list[from + i] == code[i] {
                i += 1;
            }
            if i == code.len() {
                return true;
            }
        }
        start = end + 1;
    }
    false
}

const fn is_compiled(code: &str) -> bool {
    match SELECTION {
        None => true,
        Some(list) => names(list, code) || names("en", code),
    }
}

const fn count_compiled() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < BUILT_IN.len() {
        if is_compiled(BUILT_IN[i].0) {
            n += 1;
        }
        i += 1;
    }
    n
}

const fn compiled() -> [(&'static str, &'static str); count_compiled()] {
    let mut out = [("", ""); count_compiled()];
    let (mut i, mut n) = (0, 0);
    while i < BUILT_IN.len() {
        if is_compiled(BUILT_IN[i].0) {
            out[n] = BUILT_IN[i];
            n += 1;
        }
        i += 1;
    }
    out
}

// A code with no built-in texts stops the build: a typo must not ship a banner in English.
const _: () = {
    if let Some(list) = SELECTION {
        let mut wanted = 0;
        let mut i = 0;
        while i < BUILT_IN.len() {
            if names(list, BUILT_IN[i].0) {
                wanted += 1;
            }
            i += 1;
        }
        let mut codes = 1;
        let bytes = list.as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            if bytes[j] == b',' {
                codes += 1;
            }
            j += 1;
        }
        assert!(
            wanted == codes,
            "CONSENT_GATE_LANGUAGES names a code with no built-in texts (or one twice): use codes from BUILT_IN in src/core/i18n.rs, comma-separated"
        );
    }
};

/// The built-in words of `codes` (all for `None`) but English, which every module has compiled
/// in: one line per language, the code and its 21 texts `|`-separated, the text an interface
/// file carries. A code with no built-in words is named in the error.
pub fn words(codes: Option<&[&str]>) -> Result<String, String> {
    if let Some(unknown) = codes.unwrap_or_default().iter().find(|c| !has_built_in(c)) {
        return Err(format!(
            "\"{unknown}\" has no built-in words: use codes from {}",
            BUILT_IN.map(|(l, _)| l).join(", ")
        ));
    }
    let mut lines = Vec::new();
    for (code, texts) in BUILT_IN {
        let wanted = codes.is_none_or(|codes| codes.iter().any(|c| same_language(c, code)));
        if wanted && code != "en" {
            lines.push(format!("{code}|{texts}"));
        }
    }
    Ok(lines.join("\n"))
}

/// Whether consent-gate has built-in words for `code` (any build can carry them).
pub fn has_built_in(code: &str) -> bool {
    BUILT_IN.iter().any(|(l, _)| same_language(code, l))
}

/// Whether the tag `code` (`de-AT`, ` FR`) names the built-in language `built_in` (`de`).
fn same_language(code: &str, built_in: &str) -> bool {
    primary(code.trim()).eq_ignore_ascii_case(built_in)
}

/// Whether `text` is built-in words as an interface file carries them ([`words`]'s text):
/// else the module shows only those compiled in, and the error says why.
pub fn check_words(text: &str) -> Result<(), &'static str> {
    let lines = crate::core::split(text, b'\n').filter(|line| !line.is_empty());
    for line in lines {
        if crate::core::split(line, b'|').count() != Text::ALL.len() + 1 {
            return Err(
                "the interface file's built-in words are damaged (make it again with consent-gate interface); other languages show the site's own words",
            );
        }
    }
    Ok(())
}

/// The built-in `text` in `language` (matched on its primary subtag: `pt-BR` reads `pt`), from
/// those compiled in, then those `given` ([`words`]'s text), or `None` where consent-gate has no
/// texts in that language.
pub fn built_in<'a>(language: &str, text: Text, given: &'a str) -> Option<&'a str> {
    built_in_line(language, given)?.get(text)
}

/// consent-gate's built-in texts in one language ([`built_in`]), looked up once for all of them.
#[derive(Debug, Clone, Copy)]
pub struct BuiltIn<'a>(&'a str);

impl<'a> BuiltIn<'a> {
    /// One of the texts.
    pub fn get(self, text: Text) -> Option<&'a str> {
        crate::core::split(self.0, b'|').nth(text as usize)
    }
}

/// The built-in texts in `language` ([`built_in`]). The search stops at the first match: the
/// given words are 23 languages' lines, and every view's words look their language up.
pub fn built_in_line<'a>(language: &str, given: &'a str) -> Option<BuiltIn<'a>> {
    let primary = primary(language);
    let compiled = COMPILED
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(primary));
    let texts = match compiled {
        Some((_, texts)) => Some(*texts),
        None => crate::core::split(given, b'\n')
            .filter_map(|line| crate::core::split_once(line, b'|'))
            .find(|(l, _)| l.eq_ignore_ascii_case(primary))
            .map(|(_, texts)| texts),
    };
    texts.map(BuiltIn)
}

/// Whether `language` is written right to left.
pub fn is_rtl(language: &str) -> bool {
    let primary = primary(language).to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "he" | "fa" | "ur" | "yi" | "dv" | "ps"
    )
}

/// The primary subtag of a language tag: `pt` of `pt-BR`.
pub fn primary(language: &str) -> &str {
    crate::core::split(language, b'-')
        .next()
        .unwrap_or(language)
}

/// The language to show, from those `available` (the config's own first): the config's choice
/// `forced` if any, else the page's `<html lang>`, else the first of the browser's
/// `navigator.languages` that is available, else the config's own. A match is exact
/// (case-insensitive) or on the primary subtag (`de-AT` → `de`, `pt` → `pt-BR`).
pub fn pick_language<'a>(
    available: &[&'a str],
    forced: Option<&str>,
    html_lang: Option<&str>,
    navigator: &[String],
) -> &'a str {
    let find = |wanted: &str| {
        let wanted = wanted.trim();
        available
            .iter()
            .find(|a| a.eq_ignore_ascii_case(wanted))
            .or_else(|| {
                available
                    .iter()
                    .find(|a| primary(a).eq_ignore_ascii_case(primary(wanted)))
            })
            .copied()
    };
    forced
        .and_then(find)
        .or_else(|| html_lang.and_then(find))
        .or_else(|| navigator.iter().find_map(|l| find(l)))
        .or_else(|| available.first().copied())
        .unwrap_or("en")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_text() {
        for (language, texts) in BUILT_IN {
            let parts: Vec<&str> = texts.split('|').collect();
            assert_eq!(parts.len(), Text::ALL.len(), "{language}");
            for (text, part) in Text::ALL.iter().zip(&parts) {
                assert!(!part.trim().is_empty(), "{language} {}", text.key());
                assert_eq!(part.trim(), *part, "{language} {}", text.key());
            }
        }
    }

    #[test]
    fn the_24_languages_the_product_promises() {
        let languages: Vec<&str> = COMPILED.iter().map(|(l, _)| *l).collect();
        assert_eq!(
            languages,
            [
                "en", "de", "fr", "es", "it", "nl", "pl", "pt", "sl", "hr", "hu", "sv", "cs", "da",
                "fi", "el", "ro", "sk", "bg", "et", "lv", "lt", "ar", "he"
            ]
        );
    }

    #[test]
    fn reject_and_accept_differ_in_every_language() {
        for language in COMPILED.iter().map(|(l, _)| *l) {
            assert_ne!(
                built_in(language, Text::AcceptAll, ""),
                built_in(language, Text::RejectAll, ""),
                "{language}"
            );
        }
    }

    #[test]
    fn every_placeholder_message_names_the_service() {
        for language in COMPILED.iter().map(|(l, _)| *l) {
            let message = built_in(language, Text::PlaceholderMessage, "").unwrap_or_default();
            assert!(message.contains("{service}"), "{language}: {message}");
        }
    }

    #[test]
    fn a_build_names_its_languages_as_a_comma_separated_list() {
        assert!(names("de,fr", "fr"));
        assert!(names(" de , fr ", "de"));
        assert!(names("en", "en"));
        assert!(!names("de,fr", "d"));
        assert!(!names("de,fr", "fr,"));
        assert!(!names("", "en"));
        assert!(!names("pt-BR", "pt"));
    }

    #[test]
    fn an_interface_file_carries_the_words_of_the_languages_named() {
        let two = words(Some(&["de", " FR", "de-AT"])).unwrap();
        let lines: Vec<&str> = two.split('\n').collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("de|Ihre Privatsphäre"), "{}", lines[0]);
        assert!(lines[1].starts_with("fr|"), "{}", lines[1]);
        assert_eq!(words(Some(&["en"])).unwrap(), "");
        let all = words(None).unwrap();
        assert_eq!(all.split('\n').count(), BUILT_IN.len() - 1);
        let error = words(Some(&["de", "ja"])).unwrap_err();
        assert!(error.contains("\"ja\" has no built-in words"), "{error}");
        // Each line is the code, then the table's texts as they are.
        for line in all.split('\n') {
            let (code, texts) = line.split_once('|').unwrap();
            assert!(BUILT_IN.contains(&(code, texts)), "{code}");
        }
    }

    #[test]
    fn words_given_are_found_beside_those_compiled_in_and_damaged_ones_refused_whole() {
        let xx = format!("xx|{}", ["x"; 21].join("|"));
        assert!(check_words("xx|only two|texts").is_err());
        assert!(check_words(&format!("{xx}\nfr|x")).is_err());
        assert_eq!(
            check_words(&format!("{xx}\n{}\n", words(None).unwrap())),
            Ok(())
        );
        assert_eq!(check_words(""), Ok(()));
        assert_eq!(built_in("xx", Text::Save, ""), None);
        assert_eq!(built_in("xx-YY", Text::Save, &xx), Some("x"));
        assert_eq!(built_in("de", Text::Save, &xx), Some("Auswahl speichern"));
    }

    #[test]
    fn texts_are_found_by_primary_subtag() {
        assert_eq!(
            built_in("de-AT", Text::AcceptAll, ""),
            Some("Alle akzeptieren")
        );
        assert_eq!(built_in("PT-br", Text::Save, ""), Some("Guardar escolhas"));
        assert_eq!(built_in("ja", Text::Save, ""), None);
    }

    #[test]
    fn keys_name_texts_both_ways() {
        for text in Text::ALL {
            assert_eq!(Text::from_key(text.key()), Some(text));
        }
        assert_eq!(Text::from_key("accept"), None);
    }

    #[test]
    fn right_to_left_languages() {
        for language in ["ar", "he", "ar-EG", "fa"] {
            assert!(is_rtl(language), "{language}");
        }
        for language in ["en", "de", "arn"] {
            assert!(!is_rtl(language), "{language}");
        }
    }

    #[test]
    fn the_config_then_the_page_then_the_browser_then_the_default() {
        let available = ["en", "de", "pt-BR", "ar"];
        let browser = ["fr-FR".to_owned(), "pt".to_owned()];
        assert_eq!(
            pick_language(&available, Some("ar"), Some("de"), &browser),
            "ar"
        );
        assert_eq!(
            pick_language(&available, None, Some("de-CH"), &browser),
            "de"
        );
        assert_eq!(
            pick_language(&available, None, Some("ja"), &browser),
            "pt-BR"
        );
        assert_eq!(pick_language(&available, None, None, &[]), "en");
        assert_eq!(pick_language(&available, Some("xx"), None, &[]), "en");
        assert_eq!(pick_language(&[], None, None, &[]), "en");
    }
}
