/**
 * The fixed part of the benchmark data set: a mine-action course catalogue with its ladders and
 * refreshers, and the pools names, places and organisations are drawn from.
 */
export interface CatalogueCourse {
  code: string;
  title: string;
  level: string;
  imas: string[];
  durationDays: number;
  validityMonths: number | null;
  prerequisites: string[];
  renews: string | null;
  medical: boolean;
  /** Relative share of the sessions the Center runs. */
  weight: number;
}

// One course per line reads as the catalogue it is.
// prettier-ignore
export const COURSES: CatalogueCourse[] = [
  course('DEM-1', 'Basic Deminer: Manual Clearance', 'Basic', ['IMAS 09.10'], 20, 36, [], null, true, 14),
  course('DEM-R', 'Deminer Refresher', 'Basic', ['IMAS 09.10'], 5, 36, ['DEM-1'], 'DEM-1', true, 8),
  course('TL-1', 'Demining Team Leader', 'Team leader', ['IMAS 09.10', 'IMAS 06.10'], 15, 36, ['DEM-1'], null, true, 5),
  course('SL-1', 'Section Leader and Site Supervisor', 'Supervisor', ['IMAS 09.10', 'IMAS 06.10'], 15, 36, ['TL-1'], null, false, 3),
  course('EOD-1', 'Explosive Ordnance Disposal Level 1', 'EOD 1', ['IMAS 09.30'], 10, 36, [], null, true, 9),
  course('EOD-2', 'Explosive Ordnance Disposal Level 2', 'EOD 2', ['IMAS 09.30'], 15, 36, ['EOD-1'], null, true, 6),
  course('EOD-3', 'Explosive Ordnance Disposal Level 3', 'EOD 3', ['IMAS 09.30'], 20, 36, ['EOD-2'], null, true, 3),
  course('EOD-R', 'EOD Refresher', 'EOD 2', ['IMAS 09.30'], 5, 36, ['EOD-2'], 'EOD-2', true, 4),
  course('IEDD-1', 'Improvised Explosive Device Disposal', 'IEDD', ['IMAS 09.31'], 20, 24, ['EOD-2'], null, true, 1),
  course('BAC-1', 'Battle Area Clearance', 'Basic', ['IMAS 09.11'], 10, 36, ['DEM-1'], null, true, 4),
  course('MDD-H', 'Mine Detection Dog Handler', 'Specialist', ['IMAS 09.42'], 30, 24, ['DEM-1'], null, true, 2),
  course('MECH-1', 'Mechanical Demining Operator', 'Specialist', ['IMAS 09.50'], 10, 36, ['DEM-1'], null, false, 2),
  course('NTS-1', 'Non-Technical Survey', 'Survey', ['IMAS 08.10'], 10, null, [], null, false, 6),
  course('TS-1', 'Technical Survey', 'Survey', ['IMAS 08.20'], 10, 36, ['NTS-1'], null, true, 3),
  course('EORE-1', 'Explosive Ordnance Risk Education Facilitator', 'Basic', ['IMAS 12.10'], 5, null, [], null, false, 10),
  course('MED-1', 'Demining Field Medic', 'Medic', ['IMAS 10.40'], 15, 24, [], null, false, 4),
  course('FA-1', 'First Aid and Casualty Evacuation', 'Basic', ['IMAS 10.40'], 3, 12, [], null, false, 9),
  course('QA-1', 'Quality Assurance and Quality Control Inspector', 'Supervisor', ['IMAS 07.40'], 10, 36, ['SL-1'], null, false, 2),
  course('IM-1', 'Information Management for Mine Action', 'Specialist', ['IMAS 05.10'], 5, null, [], null, false, 2),
];

function course(
  code: string,
  title: string,
  level: string,
  imas: string[],
  durationDays: number,
  validityMonths: number | null,
  prerequisites: string[],
  renews: string | null,
  medical: boolean,
  weight: number,
): CatalogueCourse {
  return {
    code,
    title,
    level,
    imas,
    durationDays,
    validityMonths,
    prerequisites,
    renews,
    medical,
    weight,
  };
}

export const ORGANISATION_TYPES = [
  'national_authority',
  'ngo',
  'commercial',
  'military',
  'other',
] as const;
export const ORGANISATION_TYPE_WEIGHTS = [1, 6, 4, 3, 1];

// prettier-ignore
export const ORGANISATION_STEMS = [
  'Demining Operator', 'Humanitarian Demining', 'Mine Action Services', 'EOD Solutions',
  'Clearance Group', 'Land Release', 'Engineer Battalion', 'Risk Education Network',
  'Survey and Clearance', 'Safe Ground', 'Explosive Hazards', 'Field Operations',
];
// prettier-ignore
export const ORGANISATION_PLACES = [
  'Baku', 'Ganja', 'Aghdam', 'Fuzuli', 'Jabrayil', 'Shusha', 'Lachin', 'Kalbajar', 'Zangilan',
  'Kharkiv', 'Mykolaiv', 'Kherson', 'Tbilisi', 'Yerevan', 'Almaty', 'Ankara', 'Geneva', 'London',
];

/** Nationalities with the Center's mix: mostly national staff, then the region, then abroad. */
export const NATIONALITIES = ['AZ', 'UA', 'GE', 'TR', 'KZ', 'UZ', 'GB', 'DE', 'US', 'IQ', 'AF'];
export const NATIONALITY_WEIGHTS = [70, 8, 4, 4, 3, 3, 2, 2, 1, 2, 1];

// prettier-ignore
export const GIVEN_NAMES = {
  female: [
    'Leyla', 'Aygün', 'Günel', 'Nərmin', 'Səbinə', 'Aynur', 'Könül', 'Şəbnəm', 'Ülviyyə', 'Xədicə',
    'Olena', 'Iryna', 'Nino', 'Ayşe', 'Elif', 'Dana', 'Sarah', 'Emma', 'Fatima', 'Zahra',
  ],
  male: [
    'Rashad', 'Elvin', 'Orxan', 'Tural', 'Cavid', 'Ramil', 'Vüqar', 'İlkin', 'Nicat', 'Əli',
    'Məmməd', 'Rəşad', 'Şahin', 'Ağa', 'Taras', 'Oleksandr', 'Giorgi', 'Mehmet', 'Aibek', 'James',
    'Thomas', 'Ahmad', 'Omar', 'Daniel',
  ],
} as const;

// prettier-ignore
export const FAMILY_NAMES = {
  female: [
    'Məmmədova', 'Əliyeva', 'Hüseynova', 'Quliyeva', 'Həsənova', 'İsmayılova', 'Rzayeva',
    'Kərimova', 'Abbasova', 'Nəsirova', 'Bayramova', 'Cəfərova', 'Shevchenko', 'Kovalenko',
    'Beridze', 'Yılmaz', 'Nurlanova', 'Smith', 'Müller', 'Hassan',
  ],
  male: [
    'Məmmədov', 'Əliyev', 'Hüseynov', 'Quliyev', 'Həsənov', 'İsmayılov', 'Rzayev', 'Kərimov',
    'Abbasov', 'Nəsirov', 'Bayramov', 'Cəfərov', 'Shevchenko', 'Kovalenko', 'Beridze', 'Yılmaz',
    'Nurlanov', 'Smith', 'Müller', 'Hassan', 'Karimi',
  ],
} as const;

// prettier-ignore
export const LOCATIONS = [
  'Goygol field training area', 'Baku training centre, classroom 1', 'Baku training centre, classroom 2',
  'Aghdam demolition range', 'Fuzuli field training area', 'Ganja regional office', 'Tartar clearance site',
];
export const LANGUAGES = ['az', 'az', 'az', 'en', 'ru'];
