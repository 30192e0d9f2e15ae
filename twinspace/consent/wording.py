"""The printed words of consent letters and sign-in cards, in the schools' languages (data).

`{pupil}`, `{class_name}`, `{school}`, `{age}` and `{teacher}` are filled in (escaped) when
printing. A language missing here prints in English (docs/consent.md, "Printables")."""

from __future__ import annotations

# The language a school's letters are printed in by default, by the school's country.
COUNTRY_LANGUAGE: dict[str, str] = {
    "PL": "pl",
    "IT": "it",
    "DE": "de",
    "AT": "de",
    "LI": "de",
    "FR": "fr",
    "LU": "fr",
    "FI": "fi",
    "ES": "es",
}

WORDING: dict[str, dict[str, str]] = {
    "en": {
        "letter_title": "Consent for your child's TwinSpaces account",
        "greeting": "Dear parent or guardian of {pupil},",
        "about": (
            "Our class {class_name} at {school} takes part in eTwinning, a European programme "
            "in which schools work together on projects. Your child has an account in "
            "TwinSpaces, the project's protected online space: pupils write pages together, "
            "chat, post on boards and share files with partner schools. Their teachers watch "
            "over everything pupils write."
        ),
        "rule": (
            "Children under {age} at our school need the consent of a parent or guardian "
            "before they write in TwinSpaces. Until we have your answer, your child can read "
            "but not write."
        ),
        "data": (
            "We keep your child's name and class, what they write and upload in the project "
            "and when they sign in. We never ask for your child's e-mail address or photograph. "
            "You can withdraw your consent at any time by telling the teacher, and ask for "
            "the account to be erased."
        ),
        "yes": "I agree that my child takes part in TwinSpaces projects.",
        "no": "I do not agree.",
        "guardian": "Name of parent or guardian",
        "signature": "Signature",
        "date": "Date",
        "return": "Please return this letter to {teacher}.",
        "pupil": "Pupil",
        "class": "Class",
        "school": "School",
        "cards_title": "Sign-in cards: {class_name}",
        "address": "Sign in at",
        "username": "Username",
        "password": "Password",
        "password_blank": "your teacher gives it to you",
        "keep_secret": "Keep your password to yourself.",
        "print_hint": "Print this page with your browser (Ctrl+P).",
    },
    "pl": {
        "letter_title": "Zgoda na konto dziecka w TwinSpaces",
        "greeting": "Szanowni Rodzice lub Opiekunowie {pupil},",
        "about": (
            "Nasza klasa {class_name} w szkole {school} uczestniczy w eTwinningu, europejskim "
            "programie, w którym szkoły wspólnie realizują projekty. Państwa dziecko ma konto "
            "w TwinSpaces, chronionej przestrzeni projektu w internecie: uczniowie wspólnie "
            "piszą strony, rozmawiają na czacie, publikują wpisy na tablicach i wymieniają się "
            "plikami ze szkołami partnerskimi. Nauczyciele czuwają nad wszystkim, co piszą "
            "uczniowie."
        ),
        "rule": (
            "Dzieci poniżej {age}. roku życia w naszej szkole potrzebują zgody rodzica lub "
            "opiekuna, zanim zaczną pisać w TwinSpaces. Dopóki nie otrzymamy Państwa odpowiedzi, "
            "dziecko może czytać, ale nie może pisać."
        ),
        "data": (
            "Przechowujemy imię i klasę dziecka, to, co pisze i przesyła w projekcie, oraz "
            "czas logowania. Nigdy nie prosimy o adres e-mail ani zdjęcie dziecka. Zgodę można "
            "w każdej chwili wycofać, informując nauczyciela, a także poprosić o usunięcie konta."
        ),
        "yes": "Wyrażam zgodę na udział mojego dziecka w projektach TwinSpaces.",
        "no": "Nie wyrażam zgody.",
        "guardian": "Imię i nazwisko rodzica lub opiekuna",
        "signature": "Podpis",
        "date": "Data",
        "return": "Prosimy o zwrot tego listu do: {teacher}.",
        "pupil": "Uczeń",
        "class": "Klasa",
        "school": "Szkoła",
        "cards_title": "Karty logowania: {class_name}",
        "address": "Zaloguj się na",
        "username": "Nazwa użytkownika",
        "password": "Hasło",
        "password_blank": "poda je nauczyciel",
        "keep_secret": "Nie pokazuj nikomu swojego hasła.",
        "print_hint": "Wydrukuj tę stronę w przeglądarce (Ctrl+P).",
    },
    "it": {
        "letter_title": "Consenso per l'account TwinSpaces di tuo figlio",
        "greeting": "Gentile genitore o tutore di {pupil},",
        "about": (
            "La nostra classe {class_name} della scuola {school} partecipa a eTwinning, un "
            "programma europeo in cui le scuole lavorano insieme a progetti. Tuo figlio ha un "
            "account su TwinSpaces, lo spazio online protetto del progetto: gli alunni scrivono "
            "pagine insieme, chattano, pubblicano sulle bacheche e condividono file con le "
            "scuole partner. Gli insegnanti vigilano su tutto ciò che gli alunni scrivono."
        ),
        "rule": (
            "Nella nostra scuola i ragazzi sotto i {age} anni hanno bisogno del consenso di un "
            "genitore o tutore prima di scrivere su TwinSpaces. Finché non riceviamo la tua "
            "risposta, tuo figlio può leggere ma non scrivere."
        ),
        "data": (
            "Conserviamo il nome e la classe di tuo figlio, ciò che scrive e carica nel "
            "progetto e quando accede. Non chiediamo mai l'indirizzo e-mail né foto di tuo "
            "figlio. Puoi revocare il consenso in qualsiasi momento avvisando l'insegnante e "
            "chiedere la cancellazione dell'account."
        ),
        "yes": "Acconsento alla partecipazione di mio figlio ai progetti TwinSpaces.",
        "no": "Non acconsento.",
        "guardian": "Nome del genitore o tutore",
        "signature": "Firma",
        "date": "Data",
        "return": "Si prega di restituire questa lettera a {teacher}.",
        "pupil": "Alunno",
        "class": "Classe",
        "school": "Scuola",
        "cards_title": "Schede di accesso: {class_name}",
        "address": "Accedi su",
        "username": "Nome utente",
        "password": "Password",
        "password_blank": "te la dà l'insegnante",
        "keep_secret": "Non dire a nessuno la tua password.",
        "print_hint": "Stampa questa pagina dal browser (Ctrl+P).",
    },
    "de": {
        "letter_title": "Einwilligung für das TwinSpaces-Konto Ihres Kindes",
        "greeting": "Liebe Eltern, liebe Erziehungsberechtigte von {pupil},",
        "about": (
            "Unsere Klasse {class_name} der Schule {school} nimmt an eTwinning teil, einem "
            "europäischen Programm, in dem Schulen gemeinsam an Projekten arbeiten. Ihr Kind "
            "hat ein Konto in TwinSpaces, dem geschützten Online-Raum des Projekts: Die "
            "Schülerinnen und Schüler schreiben gemeinsam Seiten, chatten, schreiben an "
            "Pinnwände und teilen Dateien mit Partnerschulen. Die Lehrkräfte haben alles im "
            "Blick, was die Kinder schreiben."
        ),
        "rule": (
            "Kinder unter {age} Jahren brauchen an unserer Schule die Einwilligung eines "
            "Elternteils oder Erziehungsberechtigten, bevor sie in TwinSpaces schreiben. Bis "
            "Ihre Antwort vorliegt, kann Ihr Kind lesen, aber nicht schreiben."
        ),
        "data": (
            "Wir speichern Name und Klasse Ihres Kindes, was es im Projekt schreibt und "
            "hochlädt, und wann es sich anmeldet. Wir fragen nie nach einer E-Mail-Adresse "
            "oder einem Foto Ihres Kindes. Sie können Ihre Einwilligung jederzeit bei der "
            "Lehrkraft widerrufen und die Löschung des Kontos verlangen."
        ),
        "yes": "Ich bin einverstanden, dass mein Kind an TwinSpaces-Projekten teilnimmt.",
        "no": "Ich bin nicht einverstanden.",
        "guardian": "Name des Elternteils oder Erziehungsberechtigten",
        "signature": "Unterschrift",
        "date": "Datum",
        "return": "Bitte geben Sie diesen Brief an {teacher} zurück.",
        "pupil": "Schülerin/Schüler",
        "class": "Klasse",
        "school": "Schule",
        "cards_title": "Anmeldekarten: {class_name}",
        "address": "Anmelden auf",
        "username": "Benutzername",
        "password": "Passwort",
        "password_blank": "bekommst du von deiner Lehrkraft",
        "keep_secret": "Verrate niemandem dein Passwort.",
        "print_hint": "Drucken Sie diese Seite mit Ihrem Browser (Strg+P).",
    },
    "fr": {
        "letter_title": "Autorisation pour le compte TwinSpaces de votre enfant",
        "greeting": "Madame, Monsieur, parent ou responsable légal de {pupil},",
        "about": (
            "Notre classe {class_name} de l'établissement {school} participe à eTwinning, un "
            "programme européen dans lequel des écoles mènent des projets ensemble. Votre "
            "enfant a un compte sur TwinSpaces, l'espace en ligne protégé du projet : les "
            "élèves y écrivent des pages ensemble, discutent, publient sur des murs et "
            "partagent des fichiers avec les écoles partenaires. Les enseignants veillent sur "
            "tout ce que les élèves écrivent."
        ),
        "rule": (
            "Dans notre école, les enfants de moins de {age} ans ont besoin de l'autorisation "
            "d'un parent ou responsable légal avant d'écrire sur TwinSpaces. Tant que nous "
            "n'avons pas votre réponse, votre enfant peut lire mais pas écrire."
        ),
        "data": (
            "Nous conservons le prénom et la classe de votre enfant, ce qu'il écrit et dépose "
            "dans le projet et ses heures de connexion. Nous ne demandons jamais l'adresse "
            "e-mail ni la photo de votre enfant. Vous pouvez retirer votre autorisation à tout "
            "moment auprès de l'enseignant et demander la suppression du compte."
        ),
        "yes": "J'autorise mon enfant à participer aux projets TwinSpaces.",
        "no": "Je n'autorise pas.",
        "guardian": "Nom du parent ou responsable légal",
        "signature": "Signature",
        "date": "Date",
        "return": "Merci de rendre cette lettre à {teacher}.",
        "pupil": "Élève",
        "class": "Classe",
        "school": "École",
        "cards_title": "Cartes de connexion : {class_name}",
        "address": "Connecte-toi sur",
        "username": "Identifiant",
        "password": "Mot de passe",
        "password_blank": "ton enseignant te le donne",
        "keep_secret": "Garde ton mot de passe pour toi.",
        "print_hint": "Imprimez cette page depuis votre navigateur (Ctrl+P).",
    },
    "fi": {
        "letter_title": "Suostumus lapsesi TwinSpaces-tunnukseen",
        "greeting": "Hyvä huoltaja ({pupil}),",
        "about": (
            "Luokkamme {class_name} koulusta {school} osallistuu eTwinningiin, eurooppalaiseen "
            "ohjelmaan, jossa koulut tekevät yhteisiä projekteja. Lapsellasi on tunnus "
            "TwinSpacesissa, projektin suojatussa verkkotilassa: oppilaat kirjoittavat "
            "yhdessä sivuja, keskustelevat, julkaisevat tauluille ja jakavat tiedostoja "
            "kumppanikoulujen kanssa. Opettajat valvovat kaikkea, mitä oppilaat kirjoittavat."
        ),
        "rule": (
            "Koulumme alle {age}-vuotiaat tarvitsevat huoltajan suostumuksen ennen kuin he "
            "voivat kirjoittaa TwinSpacesiin. Kunnes saamme vastauksenne, lapsesi voi lukea "
            "mutta ei kirjoittaa."
        ),
        "data": (
            "Tallennamme lapsesi nimen ja luokan, mitä hän kirjoittaa ja lataa projektiin ja "
            "milloin hän kirjautuu. Emme koskaan kysy lapsesi sähköpostiosoitetta tai valokuvaa. "
            "Voit perua suostumuksesi milloin tahansa kertomalla siitä opettajalle ja pyytää "
            "tunnuksen poistamista."
        ),
        "yes": "Annan suostumukseni siihen, että lapseni osallistuu TwinSpaces-projekteihin.",
        "no": "En anna suostumusta.",
        "guardian": "Huoltajan nimi",
        "signature": "Allekirjoitus",
        "date": "Päivämäärä",
        "return": "Palautathan tämän kirjeen opettajalle: {teacher}.",
        "pupil": "Oppilas",
        "class": "Luokka",
        "school": "Koulu",
        "cards_title": "Kirjautumiskortit: {class_name}",
        "address": "Kirjaudu osoitteessa",
        "username": "Käyttäjätunnus",
        "password": "Salasana",
        "password_blank": "saat sen opettajalta",
        "keep_secret": "Pidä salasanasi omana tietonasi.",
        "print_hint": "Tulosta tämä sivu selaimella (Ctrl+P).",
    },
    "es": {
        "letter_title": "Consentimiento para la cuenta de TwinSpaces de su hijo o hija",
        "greeting": "Estimada familia de {pupil}:",
        "about": (
            "Nuestra clase {class_name} del centro {school} participa en eTwinning, un programa "
            "europeo en el que los centros educativos trabajan juntos en proyectos. Su hijo o "
            "hija tiene una cuenta en TwinSpaces, el espacio en línea protegido del proyecto: "
            "el alumnado escribe páginas en común, chatea, publica en murales y comparte "
            "archivos con los centros socios. El profesorado supervisa todo lo que escribe el "
            "alumnado."
        ),
        "rule": (
            "En nuestro centro, los menores de {age} años necesitan el consentimiento de su "
            "madre, padre o tutor antes de escribir en TwinSpaces. Hasta que recibamos su "
            "respuesta, su hijo o hija puede leer pero no escribir."
        ),
        "data": (
            "Guardamos el nombre y la clase de su hijo o hija, lo que escribe y sube en el "
            "proyecto y cuándo inicia sesión. Nunca pedimos su correo electrónico ni su "
            "fotografía. Puede retirar su consentimiento en cualquier momento comunicándolo "
            "al profesor o profesora, y pedir que se borre la cuenta."
        ),
        "yes": "Doy mi consentimiento para que mi hijo o hija participe en proyectos TwinSpaces.",
        "no": "No doy mi consentimiento.",
        "guardian": "Nombre de la madre, padre o tutor",
        "signature": "Firma",
        "date": "Fecha",
        "return": "Por favor, devuelva esta carta a {teacher}.",
        "pupil": "Alumno/a",
        "class": "Clase",
        "school": "Centro",
        "cards_title": "Tarjetas de acceso: {class_name}",
        "address": "Entra en",
        "username": "Usuario",
        "password": "Contraseña",
        "password_blank": "te la da tu profesor o profesora",
        "keep_secret": "No le digas tu contraseña a nadie.",
        "print_hint": "Imprima esta página desde su navegador (Ctrl+P).",
    },
}

LANGUAGES = tuple(WORDING)


def language_for(country: str, wanted: str | None) -> str:
    """The language to print in: `wanted` when there is wording for it, else the school
    country's language, else English."""
    if wanted in WORDING:
        return wanted
    return COUNTRY_LANGUAGE.get(country.upper(), "en")
