import type { OrganisationType } from '../organisations/organisation.entity.js';
import type { CourseTranslations } from '../courses/course-translations.js';
import type { IdentityDocumentType } from '../trainees/identity-document.js';
import type { Sex } from '../trainees/trainee.entity.js';

/** The demo catalogue: mine-action ladders with their IMAS references and prerequisites. */
export interface DemoCourse {
  code: string;
  title: string;
  description: string;
  imasReferences: string[];
  level: string;
  durationDays: number;
  passMark: number;
  minAttendancePercent: number;
  validityMonths: number | null;
  prerequisites: string[];
  renews?: string;
  requiresMedicalClearance: boolean;
  status: 'draft' | 'active';
  /** Titles and level names in Azerbaijani and Russian (descriptions fall back to English). */
  translations?: CourseTranslations;
}

/** The catalogue's names in Azerbaijani and Russian, by course code. */
const NAMES: Record<string, CourseTranslations> = {
  'DEM-BASIC': {
    az: { title: 'Əsas minaaxtaran hazırlığı', level: 'Əsas' },
    ru: { title: 'Базовая подготовка сапёра-деминёра', level: 'Базовый' },
  },
  'EOD-1': {
    az: { title: 'Partlayıcı sursatların zərərsizləşdirilməsi, 1-ci səviyyə' },
    ru: { title: 'Обезвреживание взрывоопасных предметов, уровень 1' },
  },
  'EOD-2': {
    az: { title: 'Partlayıcı sursatların zərərsizləşdirilməsi, 2-ci səviyyə' },
    ru: { title: 'Обезвреживание взрывоопасных предметов, уровень 2' },
  },
  'EOD-3': {
    az: { title: 'Partlayıcı sursatların zərərsizləşdirilməsi, 3-cü səviyyə' },
    ru: { title: 'Обезвреживание взрывоопасных предметов, уровень 3' },
  },
  'EOD-1-R': {
    az: { title: 'Partlayıcı sursatların zərərsizləşdirilməsi, 1-ci səviyyə: təkrar kurs' },
    ru: { title: 'Обезвреживание взрывоопасных предметов, уровень 1: повторный курс' },
  },
  NTS: {
    az: { title: 'Qeyri-texniki tədqiqat', level: 'Əsas' },
    ru: { title: 'Нетехническое обследование', level: 'Базовый' },
  },
  EORE: {
    az: { title: 'Partlayıcı sursatların təhlükələri barədə maarifləndirmə', level: 'Əsas' },
    ru: { title: 'Информирование о рисках взрывоопасных предметов', level: 'Базовый' },
  },
  'MED-FIELD': {
    az: { title: 'Minatəmizləmə qrupunun sahə tibb işçisi', level: 'Mütəxəssis' },
    ru: { title: 'Полевой медик группы разминирования', level: 'Специалист' },
  },
  'MDD-H': {
    az: { title: 'Mina axtaran itin təlimatçısı', level: 'Mütəxəssis' },
    ru: { title: 'Кинолог минно-розыскной собаки', level: 'Специалист' },
  },
  TL: {
    az: { title: 'Minatəmizləmə qrupunun rəhbəri', level: 'Qrup rəhbəri' },
    ru: { title: 'Руководитель группы разминирования', level: 'Руководитель группы' },
  },
  'QA-INSP': {
    az: { title: 'Keyfiyyətə nəzarət müfəttişi', level: 'Nəzarətçi' },
    ru: { title: 'Инспектор по контролю качества', level: 'Инспектор' },
  },
};

const CATALOGUE: DemoCourse[] = [
  {
    code: 'DEM-BASIC',
    title: 'Basic Deminer',
    description:
      'Manual clearance drills, detector use, prodding and excavation, site safety and marking.',
    imasReferences: ['IMAS 09.10', 'IMAS 10.20'],
    level: 'Basic',
    durationDays: 15,
    passMark: 70,
    minAttendancePercent: 90,
    validityMonths: 36,
    prerequisites: [],
    requiresMedicalClearance: true,
    status: 'active',
  },
  {
    code: 'EOD-1',
    title: 'Explosive Ordnance Disposal Level 1',
    description:
      'Identification of explosive ordnance, marking, reporting and moving safe-to-move items.',
    imasReferences: ['IMAS 09.30'],
    level: 'EOD 1',
    durationDays: 10,
    passMark: 75,
    minAttendancePercent: 90,
    validityMonths: 24,
    prerequisites: ['DEM-BASIC'],
    requiresMedicalClearance: true,
    status: 'active',
  },
  {
    code: 'EOD-2',
    title: 'Explosive Ordnance Disposal Level 2',
    description:
      'In-situ destruction of single items of ordnance by demolition, under supervision.',
    imasReferences: ['IMAS 09.30'],
    level: 'EOD 2',
    durationDays: 12,
    passMark: 75,
    minAttendancePercent: 90,
    validityMonths: 24,
    prerequisites: ['EOD-1'],
    requiresMedicalClearance: true,
    status: 'active',
  },
  {
    code: 'EOD-3',
    title: 'Explosive Ordnance Disposal Level 3',
    description: 'Multiple-item demolitions, render-safe decisions, supervision of EOD teams.',
    imasReferences: ['IMAS 09.30'],
    level: 'EOD 3',
    durationDays: 15,
    passMark: 80,
    minAttendancePercent: 95,
    validityMonths: 24,
    prerequisites: ['EOD-2'],
    requiresMedicalClearance: true,
    status: 'active',
  },
  {
    code: 'EOD-1-R',
    title: 'EOD Level 1 Refresher',
    description: 'Refresher that renews an EOD Level 1 qualification before it lapses.',
    imasReferences: ['IMAS 09.30'],
    level: 'EOD 1',
    durationDays: 3,
    passMark: 75,
    minAttendancePercent: 100,
    validityMonths: 24,
    prerequisites: ['EOD-1'],
    renews: 'EOD-1',
    requiresMedicalClearance: true,
    status: 'active',
  },
  {
    code: 'NTS',
    title: 'Non-Technical Survey',
    description:
      'Community liaison, evidence gathering and defining confirmed and suspected hazardous areas.',
    imasReferences: ['IMAS 08.10'],
    level: 'Basic',
    durationDays: 5,
    passMark: 70,
    minAttendancePercent: 80,
    validityMonths: null,
    prerequisites: [],
    requiresMedicalClearance: false,
    status: 'active',
  },
  {
    code: 'EORE',
    title: 'Explosive Ordnance Risk Education',
    description: 'Planning and delivering risk education sessions for affected communities.',
    imasReferences: ['IMAS 12.10'],
    level: 'Basic',
    durationDays: 5,
    passMark: 70,
    minAttendancePercent: 80,
    validityMonths: 36,
    prerequisites: [],
    requiresMedicalClearance: false,
    status: 'active',
  },
  {
    code: 'MED-FIELD',
    title: 'Demining Field Medic',
    description: 'Casualty care and evacuation on demining worksites.',
    imasReferences: ['IMAS 10.40'],
    level: 'Specialist',
    durationDays: 10,
    passMark: 80,
    minAttendancePercent: 100,
    validityMonths: 24,
    prerequisites: [],
    requiresMedicalClearance: false,
    status: 'active',
  },
  {
    code: 'MDD-H',
    title: 'Mine Detection Dog Handler',
    description: 'Handling, search patterns and welfare of mine detection dogs.',
    imasReferences: ['IMAS 09.42'],
    level: 'Specialist',
    durationDays: 30,
    passMark: 75,
    minAttendancePercent: 90,
    validityMonths: 12,
    prerequisites: ['DEM-BASIC'],
    requiresMedicalClearance: true,
    status: 'active',
  },
  {
    code: 'TL',
    title: 'Demining Team Leader',
    description: 'Leading a clearance team: site organisation, supervision and reporting.',
    imasReferences: ['IMAS 09.10', 'IMAS 10.10'],
    level: 'Team leader',
    durationDays: 10,
    passMark: 75,
    minAttendancePercent: 90,
    validityMonths: 36,
    prerequisites: ['DEM-BASIC'],
    requiresMedicalClearance: false,
    status: 'active',
  },
  {
    code: 'QA-INSP',
    title: 'Quality Assurance Inspector',
    description: 'Accreditation, monitoring and post-clearance inspection.',
    imasReferences: ['IMAS 07.40', 'IMAS 09.20'],
    level: 'Supervisor',
    durationDays: 10,
    passMark: 80,
    minAttendancePercent: 90,
    validityMonths: 36,
    prerequisites: ['TL'],
    requiresMedicalClearance: false,
    status: 'draft',
  },
];

export const DEMO_COURSES: DemoCourse[] = CATALOGUE.map((c) => ({
  ...c,
  translations: NAMES[c.code],
}));

export interface DemoOrganisation {
  key: string;
  name: string;
  country: string;
  type: OrganisationType;
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    key: 'authority',
    name: 'National Mine Action Agency',
    country: 'AZ',
    type: 'national_authority',
  },
  { key: 'ngo', name: 'Safe Fields Humanitarian Demining', country: 'AZ', type: 'ngo' },
  { key: 'company', name: 'Caspian Clearance LLC', country: 'AZ', type: 'commercial' },
  { key: 'army', name: 'Engineer Battalion 3', country: 'AZ', type: 'military' },
  {
    key: 'ua',
    name: 'Humanitarian Demining Centre of Ukraine',
    country: 'UA',
    type: 'national_authority',
  },
  { key: 'ge', name: 'Kartli Mine Action Partners', country: 'GE', type: 'ngo' },
];

export interface DemoPerson {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  sex: Sex;
  nationality: string;
  org: string;
  identityDocument?: { type: IdentityDocumentType; number: string };
  phone?: string;
}

/** The first trainee is the demo trainee account's own record. */
export const DEMO_TRAINEES: DemoPerson[] = [
  {
    givenName: 'Leyla',
    familyName: 'Hüseynova',
    dateOfBirth: '1996-03-14',
    sex: 'female',
    nationality: 'AZ',
    org: 'ngo',
    identityDocument: { type: 'passport', number: 'C03581247' },
    phone: '+994 50 214 37 86',
  },
  {
    givenName: 'Əli',
    familyName: 'Məmmədov',
    dateOfBirth: '1991-07-02',
    sex: 'male',
    nationality: 'AZ',
    org: 'authority',
    identityDocument: { type: 'national_id', number: 'AZE14628059' },
    phone: '+994 55 390 12 44',
  },
  {
    givenName: 'Aynur',
    familyName: 'Quliyeva',
    dateOfBirth: '1999-11-23',
    sex: 'female',
    nationality: 'AZ',
    org: 'ngo',
  },
  {
    givenName: 'Tural',
    familyName: 'İsmayılov',
    dateOfBirth: '1988-01-30',
    sex: 'male',
    nationality: 'AZ',
    org: 'army',
  },
  {
    givenName: 'Günay',
    familyName: 'Əhmədova',
    dateOfBirth: '2001-05-09',
    sex: 'female',
    nationality: 'AZ',
    org: 'company',
  },
  {
    givenName: 'Rəşid',
    familyName: 'Şükürov',
    dateOfBirth: '1975-09-17',
    sex: 'male',
    nationality: 'AZ',
    org: 'authority',
  },
  {
    givenName: 'Səbinə',
    familyName: 'Cəfərova',
    dateOfBirth: '1993-12-01',
    sex: 'female',
    nationality: 'AZ',
    org: 'company',
  },
  {
    givenName: 'Orxan',
    familyName: 'Nəsirov',
    dateOfBirth: '1997-04-21',
    sex: 'male',
    nationality: 'AZ',
    org: 'army',
    identityDocument: { type: 'military_id', number: 'HB 0472163' },
  },
  {
    givenName: 'Kamran',
    familyName: 'Babayev',
    dateOfBirth: '1985-06-11',
    sex: 'male',
    nationality: 'AZ',
    org: 'ngo',
  },
  {
    givenName: 'Nigar',
    familyName: 'Rzayeva',
    dateOfBirth: '2004-02-28',
    sex: 'female',
    nationality: 'AZ',
    org: 'ngo',
  },
  {
    givenName: 'Elvin',
    familyName: 'Qasımov',
    dateOfBirth: '1990-10-05',
    sex: 'male',
    nationality: 'AZ',
    org: 'company',
  },
  {
    givenName: 'Ülviyyə',
    familyName: 'Hacıyeva',
    dateOfBirth: '1982-08-19',
    sex: 'female',
    nationality: 'AZ',
    org: 'authority',
  },
  {
    givenName: 'Олена',
    familyName: 'Коваленко',
    dateOfBirth: '1989-03-03',
    sex: 'female',
    nationality: 'UA',
    org: 'ua',
    identityDocument: { type: 'passport', number: 'FE 318204' },
    phone: '+380 67 512 88 03',
  },
  {
    givenName: 'Dmytro',
    familyName: 'Shevchenko',
    dateOfBirth: '1994-12-12',
    sex: 'male',
    nationality: 'UA',
    org: 'ua',
  },
  {
    givenName: 'Nino',
    familyName: 'Beridze',
    dateOfBirth: '1998-07-07',
    sex: 'female',
    nationality: 'GE',
    org: 'ge',
  },
  {
    givenName: 'Giorgi',
    familyName: 'Kapanadze',
    dateOfBirth: '1986-09-25',
    sex: 'male',
    nationality: 'GE',
    org: 'ge',
  },
  {
    givenName: 'Mehmet',
    familyName: 'Yılmaz',
    dateOfBirth: '1992-01-16',
    sex: 'male',
    nationality: 'TR',
    org: 'company',
  },
  {
    givenName: 'Aigerim',
    familyName: 'Nurlanovna',
    dateOfBirth: '2000-06-30',
    sex: 'female',
    nationality: 'KZ',
    org: 'ngo',
    identityDocument: { type: 'national_id', number: '041258736' },
  },
  {
    givenName: 'Sarah',
    familyName: "O'Connor",
    dateOfBirth: '1987-04-04',
    sex: 'female',
    nationality: 'GB',
    org: 'ngo',
  },
  {
    givenName: 'Fərid',
    familyName: 'Abdullayev',
    dateOfBirth: '2007-01-20',
    sex: 'male',
    nationality: 'AZ',
    org: 'army',
  },
];

/** The first instructor is the demo instructor account's own record. */
export const DEMO_INSTRUCTORS: (Omit<DemoPerson, 'dateOfBirth' | 'sex' | 'nationality'> & {
  email: string;
  courses: string[];
})[] = [
  {
    givenName: 'Rashad',
    familyName: 'Aliyev',
    email: 'r.aliyev@coe.example',
    org: 'authority',
    courses: ['DEM-BASIC', 'EOD-1', 'EOD-2', 'EOD-1-R', 'NTS'],
  },
  {
    givenName: 'Günel',
    familyName: 'Qasımova',
    email: 'g.qasimova@coe.example',
    org: 'authority',
    courses: ['EORE', 'NTS', 'MED-FIELD'],
  },
  {
    givenName: 'John',
    familyName: 'Whitfield',
    email: 'j.whitfield@coe.example',
    org: 'company',
    courses: ['EOD-2', 'EOD-3', 'TL'],
  },
  {
    givenName: 'Olena',
    familyName: 'Bondarenko',
    email: 'o.bondarenko@coe.example',
    org: 'ua',
    courses: ['MDD-H', 'DEM-BASIC'],
  },
];
